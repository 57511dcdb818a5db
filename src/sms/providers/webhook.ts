import { setTimeout as sleep } from 'node:timers/promises'
import { timeoutSignal } from '../../runtime/deadline.js'
import { SmsDeliveryError, type SmsProviderDefinition } from '../provider.js'

/** Every attempt together stays under this, so a failing gateway answers 503 well within 10 s. */
export const WEBHOOK_DEADLINE_MS = 9000
export const WEBHOOK_ATTEMPTS = 3
const BACKOFF_MS = [250, 500]

// Worth another try: no answer, a timeout, 429 or 5xx. Any other status is the gateway refusing this message.
const retryable = (status: number) => status === 408 || status === 429 || status >= 500

/**
 * POSTs `{phone_number, text}` as JSON to SMS_WEBHOOK_URL; any 2xx means sent. Each attempt times out after
 * SMS_WEBHOOK_TIMEOUT_MS; up to WEBHOOK_ATTEMPTS attempts, all within WEBHOOK_DEADLINE_MS.
 */
export const webhook: SmsProviderDefinition = {
  create (config, logger) {
    const url = config.SMS_WEBHOOK_URL ?? ''
    const timeoutMs = config.SMS_WEBHOOK_TIMEOUT_MS
    return {
      async send ({ phoneNumber, text }) {
        const deadline = Date.now() + WEBHOOK_DEADLINE_MS
        const body = JSON.stringify({ phone_number: phoneNumber, text })
        let failure = 'no attempt made'
        for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS && Date.now() < deadline; attempt++) {
          const timeout = timeoutSignal(Math.min(timeoutMs, deadline - Date.now()))
          try {
            const res = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
              signal: timeout.signal
            })
            await res.body?.cancel()
            if (res.ok) return
            failure = `HTTP ${res.status}`
            if (!retryable(res.status)) break
          } catch (err) {
            failure = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
          } finally {
            timeout.clear()
          }
          logger.warn({ attempt, failure }, 'SMS webhook attempt failed')
          const backoff = BACKOFF_MS[attempt - 1] ?? 0
          if (attempt < WEBHOOK_ATTEMPTS && Date.now() + backoff < deadline) await sleep(backoff)
        }
        throw new SmsDeliveryError(`SMS webhook failed: ${failure}`)
      }
    }
  }
}
