import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'

export interface SmsMessage {
  phoneNumber: string
  text: string
}

/** A way to deliver a text message. `send` resolves once the gateway accepted it and rejects otherwise. */
export interface SmsProvider {
  send (message: SmsMessage): Promise<void>
}

/**
 * One `SMS_PROVIDER` choice. `check` runs with the rest of the configuration at start and throws an
 * error naming the variable that is missing or refused; `create` builds the provider once per app.
 */
export interface SmsProviderDefinition {
  check (config: Config): void
  create (config: Config, log: FastifyBaseLogger): SmsProvider | Promise<SmsProvider>
}

/** The gateway could not deliver the message; the request answers 503. */
export class SmsDeliveryError extends Error {
  override readonly name = 'SmsDeliveryError'
}

/** A configuration error in the same shape as env-schema's, e.g. `env/SMS_WEBHOOK_URL is required …`. */
export const configError = (variable: string, problem: string) => new Error(`env/${variable} ${problem}`)

export function requireSetting (config: Config, variable: keyof Config, provider: string) {
  const value = config[variable]
  if (value === undefined || value === '') throw configError(variable, `is required when SMS_PROVIDER=${provider}`)
}
