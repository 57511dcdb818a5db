import { type SmsProviderDefinition } from '../provider.js'

/** Development only: writes the message, code included, to the log instead of sending it. */
export const log: SmsProviderDefinition = {
  create (_config, logger) {
    const smsLog = logger.child({ sms_provider: 'log' })
    return {
      async send ({ phoneNumber, text }) {
        smsLog.info({ phone_number: phoneNumber, text }, `SMS not sent (SMS_PROVIDER=log, development only): ${text}`)
      }
    }
  }
}
