import fp from 'fastify-plugin'
import { createSmsCodes, type SmsCodes } from './codes.js'
import { createSmsGuard, type SmsGuard } from './guard.js'
import { SMS_PROVIDERS } from './providers/index.js'
import { createSmsNotices, type SmsNotices } from './notices.js'
import { createTestNumbers } from './test-numbers.js'

declare module 'fastify' {
  interface FastifyInstance {
    smsCodes: SmsCodes
    /** SPEC §11's defences against SMS cost abuse, checked before a code is issued. */
    smsGuard: SmsGuard
    /** Texts without a code (the notice to the old number of a phone change), sent outside the request. */
    smsNotices: SmsNotices
  }
}

/** One-time SMS codes (SPEC §9), sent through the SMS_PROVIDER chosen at start. */
export default fp(async (app) => {
  const { SMS_PROVIDER, SMS_CODE_TTL_SECONDS } = app.config
  const guard = createSmsGuard(app.redis, app.config, app.metrics, app.log)
  const provider = await SMS_PROVIDERS[SMS_PROVIDER].create(app.config, app.log)
  app.decorate('smsGuard', guard)
  app.decorate('smsCodes', createSmsCodes(app.redis, provider, {
    ttlSeconds: SMS_CODE_TTL_SECONDS,
    onRefused: guard.refused,
    onVerified: guard.verified
  }, app.log))
  const testNumbers = createTestNumbers(app.config)
  const notices = createSmsNotices(provider, app.log, (phoneNumber) => testNumbers.codeFor(phoneNumber) === undefined)
  app.decorate('smsNotices', notices)
  app.addHook('onClose', async () => { await notices.drain() })
}, { name: 'sms-codes', dependencies: ['config', 'redis', 'metrics'] })
