import { timeoutSignal } from '../../runtime/deadline.js'
import { SmsDeliveryError, type SmsProviderDefinition } from '../provider.js'

const TIMEOUT_MS = 8000
const TWILIO_API = 'https://api.twilio.com'

/**
 * Twilio's Programmable Messaging REST API, called directly (no SDK): one form-encoded POST to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth (the account SID and auth token),
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource.
 * TWILIO_FROM is a sender number or a Messaging Service SID (MG…). TWILIO_API_URL sends the request to
 * another origin, such as a test server or a proxy; unset, it goes to https://api.twilio.com.
 */
export const twilio: SmsProviderDefinition = {
  create (config) {
    const sid = config.TWILIO_ACCOUNT_SID ?? ''
    const url = new URL(`/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`, config.TWILIO_API_URL ?? TWILIO_API)
    const authorization = `Basic ${Buffer.from(`${sid}:${config.TWILIO_AUTH_TOKEN ?? ''}`).toString('base64')}`
    const from = config.TWILIO_FROM ?? ''
    const sender: Record<string, string> = from.startsWith('MG') ? { MessagingServiceSid: from } : { From: from }

    return {
      async send ({ phoneNumber, text }) {
        let res: Response
        const timeout = timeoutSignal(TIMEOUT_MS)
        try {
          res = await fetch(url, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: new URLSearchParams({ To: phoneNumber, ...sender, Body: text }),
            signal: timeout.signal
          })
        } catch (err) {
          throw new SmsDeliveryError(`Twilio did not answer: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
        } finally {
          timeout.clear()
        }
        if (res.ok) {
          await res.body?.cancel()
          return
        }
        // Twilio's error body is {code, message, more_info, status}; only its code and message are kept.
        const detail = await res.json().then((body: unknown) => {
          const { code, message } = (body ?? {}) as { code?: unknown, message?: unknown }
          return ` (Twilio error ${String(code)}: ${String(message)})`
        }, () => '')
        throw new SmsDeliveryError(`Twilio did not take the message: HTTP ${res.status}${detail}`)
      }
    }
  }
}
