import type { SmsProviderName } from '../../config/env.js'
import type { SmsProviderDefinition } from '../provider.js'
import { log } from './log.js'
import { webhook } from './webhook.js'
import { twilio } from './twilio.js'

/** The SMS_PROVIDER choices. A new gateway is one file in this folder, one line here and its name in config/env.ts. */
export const SMS_PROVIDERS: Record<SmsProviderName, SmsProviderDefinition> = { log, webhook, twilio }
