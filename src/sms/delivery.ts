import type { FastifyBaseLogger } from 'fastify'
import type { SmsMessage, SmsProvider } from './provider.js'

/** What becomes of a text once the request that asked for it has been answered. */
export interface DeliveryOutcome {
  delivered?: () => void
  /** The gateway refused it, failed, timed out, or the queue was full: the text was not sent. */
  failed?: (reason: string) => void | Promise<void>
}

export interface DeliverySettings {
  /** Texts in the gateway's hands at once. */
  concurrency: number
  /** Texts waiting beyond those; one more fails at once rather than letting memory grow while a gateway is down. */
  maxWaiting: number
}

const DEFAULT_SETTINGS: DeliverySettings = { concurrency: 16, maxWaiting: 10_000 }

interface Queued {
  message: SmsMessage
  kind: string
  outcome: DeliveryOutcome
}

/**
 * The SMS delivery queue (SPEC §9): every text is handed to it and sent outside the request, so the reply's
 * status, body and time depend neither on the gateway nor on whether the number is registered. A text whose
 * delivery fails is logged at warn (never with its text, which may hold a code) and reported to its outcome.
 * `send` starts a text at once when the gateway has room. `drain` waits until the queue is empty (the app's
 * onClose, and tests).
 */
export function createSmsDelivery (provider: SmsProvider, log: FastifyBaseLogger, settings: DeliverySettings = DEFAULT_SETTINGS) {
  const waiting: Queued[] = []
  let inFlight = 0
  let idle: { promise: Promise<void>, resolve: () => void } | undefined

  const fail = async (item: Queued, reason: string) => {
    log.warn({ kind: item.kind, reason }, 'SMS not delivered')
    try {
      await item.outcome.failed?.(reason)
    } catch (err) {
      log.warn({ kind: item.kind, err }, 'SMS delivery failure could not be recorded')
    }
  }

  const finish = () => {
    inFlight--
    const next = waiting.shift()
    if (next !== undefined) start(next)
    else if (inFlight === 0) { idle?.resolve(); idle = undefined }
  }

  const start = (item: Queued, refusal?: string) => {
    inFlight++
    const sending = refusal === undefined ? provider.send(item.message) : Promise.reject(new Error(refusal))
    sending
      .then(() => { item.outcome.delivered?.() }, async (err: unknown) => { await fail(item, err instanceof Error ? err.message : String(err)) })
      .finally(finish)
  }

  return {
    send (message: SmsMessage, kind: string, outcome: DeliveryOutcome = {}) {
      const item = { message, kind, outcome }
      if (inFlight < settings.concurrency) start(item)
      else if (waiting.length < settings.maxWaiting) waiting.push(item)
      else start(item, 'the delivery queue is full')
    },
    /** Texts not yet delivered or failed. */
    get pending () { return inFlight + waiting.length },
    async drain () {
      if (inFlight === 0) return
      if (idle === undefined) {
        let settle = () => {}
        const promise = new Promise<void>((resolve) => { settle = resolve })
        idle = { promise, resolve: settle }
      }
      await idle.promise
    }
  }
}

export type SmsDelivery = ReturnType<typeof createSmsDelivery>
