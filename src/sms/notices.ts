import type { SmsDelivery } from './delivery.js'

/**
 * Texts that carry no code, such as the notice to the old number after a phone change (SPEC §10). They go
 * through the delivery queue like codes: the change has happened either way, so a slow or failing gateway
 * neither slows nor fails the reply; a failure is logged. A number `reachable` refuses (a test number of
 * SPEC §11) is sent nothing.
 */
export function createSmsNotices (delivery: SmsDelivery, reachable: (phoneNumber: string) => boolean = () => true) {
  return {
    send (phoneNumber: string, text: string, kind: string) {
      if (reachable(phoneNumber)) delivery.send({ phoneNumber, text }, kind)
    }
  }
}

export type SmsNotices = ReturnType<typeof createSmsNotices>
