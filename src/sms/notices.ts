import type { FastifyBaseLogger } from 'fastify'
import type { SmsProvider } from './provider.js'

/**
 * Texts that carry no code, such as the notice to the old number after a phone change (SPEC §10). They are
 * sent outside the request: the change has happened either way, so a slow or failing gateway neither slows
 * nor fails the reply; a failure is logged. `drain` waits for the ones in flight (the app's onClose).
 * A number `reachable` refuses (a test number of SPEC §11) is sent nothing.
 */
export function createSmsNotices (provider: SmsProvider, log: FastifyBaseLogger, reachable: (phoneNumber: string) => boolean = () => true) {
  const pending = new Set<Promise<void>>()
  return {
    send (phoneNumber: string, text: string, kind: string) {
      if (!reachable(phoneNumber)) return
      const sending: Promise<void> = provider.send({ phoneNumber, text })
        .catch((err: unknown) => { log.warn({ kind, reason: err instanceof Error ? err.message : String(err) }, 'SMS notice not delivered') })
        .finally(() => { pending.delete(sending) })
      pending.add(sending)
    },
    async drain () {
      await Promise.all(pending)
    }
  }
}

export type SmsNotices = ReturnType<typeof createSmsNotices>
