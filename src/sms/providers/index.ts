import type { SmsProviderDefinition } from '../provider.js'
import { log } from './log.js'
import { webhook } from './webhook.js'
import { twilio } from './twilio.js'

/** The SMS_PROVIDER choices. A new gateway is one file in this folder and one line here. */
export const SMS_PROVIDERS = { log, webhook, twilio } satisfies Record<string, SmsProviderDefinition>

export type SmsProviderName = keyof typeof SMS_PROVIDERS

/** The definition behind an SMS_PROVIDER value (which the config schema has already limited to these names). */
export function smsProviderDefinition (name: string): SmsProviderDefinition {
  if (!Object.hasOwn(SMS_PROVIDERS, name)) throw new Error(`env/SMS_PROVIDER must be one of ${Object.keys(SMS_PROVIDERS).join(', ')}`)
  return SMS_PROVIDERS[name as SmsProviderName]
}
