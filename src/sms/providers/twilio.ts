import type RequestClient from 'twilio/lib/base/RequestClient.js'
import { SmsDeliveryError, type SmsProviderDefinition } from '../provider.js'

const TIMEOUT_MS = 8000

/**
 * Twilio's Messages API through the official SDK (loaded only when chosen). TWILIO_FROM is a sender number
 * or a Messaging Service SID (MG…). TWILIO_API_URL sends the SDK's requests to another origin, such as a
 * test server or a proxy; unset, they go to https://api.twilio.com.
 */
export const twilio: SmsProviderDefinition = {
  async create (config) {
    const { default: Twilio } = await import('twilio')
    const apiUrl = config.TWILIO_API_URL === undefined ? undefined : new URL(config.TWILIO_API_URL)

    // The SDK can only change a host's edge and region, so another origin takes a request client.
    class RedirectingClient extends Twilio.RequestClient {
      override request<T> (opts: RequestClient.RequestOptions<T>) {
        const uri = new URL(opts.uri)
        if (apiUrl !== undefined) {
          uri.protocol = apiUrl.protocol
          uri.host = apiUrl.host
        }
        return super.request<T>({ ...opts, uri: uri.href })
      }
    }

    const client = Twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
      timeout: TIMEOUT_MS,
      autoRetry: false,
      httpClient: apiUrl === undefined ? undefined : new RedirectingClient({ timeout: TIMEOUT_MS })
    })
    const from = config.TWILIO_FROM ?? ''
    const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from }

    return {
      async send ({ phoneNumber, text }) {
        try {
          await client.messages.create({ to: phoneNumber, body: text, ...sender })
        } catch (err) {
          // Not the error itself: a network error from the SDK's HTTP client carries the request's auth header.
          const { status, message } = err as { status?: unknown, message?: unknown }
          throw new SmsDeliveryError(`Twilio did not take the message: ${typeof status === 'number' ? `HTTP ${status} ` : ''}${String(message)}`)
        }
      }
    }
  }
}
