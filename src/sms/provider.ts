import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config/env.js'

export interface SmsMessage {
  phoneNumber: string
  text: string
}

/** A way to deliver a text message. `send` resolves once the gateway accepted it and rejects otherwise. */
export interface SmsProvider {
  send (message: SmsMessage): Promise<void>
}

/** One `SMS_PROVIDER` choice (its variables are checked with the configuration); `create` builds the provider once per app. */
export interface SmsProviderDefinition {
  create (config: Config, log: FastifyBaseLogger): SmsProvider | Promise<SmsProvider>
}

/** The gateway could not deliver the message. */
export class SmsDeliveryError extends Error {
  override readonly name = 'SmsDeliveryError'
}
