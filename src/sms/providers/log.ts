import { configError, type SmsProviderDefinition } from '../provider.js'

/** Development only: writes the message, code included, to the log instead of sending it. */
export const log: SmsProviderDefinition = {
  check (config) {
    if (config.NODE_ENV === 'production') {
      throw configError('SMS_PROVIDER', 'must not be log when NODE_ENV=production (it writes codes to the log); use webhook or twilio')
    }
  },
  create (_config, logger) {
    const smsLog = logger.child({ sms_provider: 'log' })
    return {
      async send ({ phoneNumber, text }) {
        smsLog.info({ phone_number: phoneNumber, text }, `SMS not sent (SMS_PROVIDER=log, development only): ${text}`)
      }
    }
  }
}
