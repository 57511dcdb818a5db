import fp from 'fastify-plugin'
import { createSmsCodes, type SmsCodes } from './codes.js'
import { createSmsGuard, type SmsGuard } from './guard.js'
import { SMS_PROVIDERS } from './providers/index.js'
import { createSmsNotices, type SmsNotices } from './notices.js'
import { createSmsDelivery, type SmsDelivery } from './delivery.js'
import { createTestNumbers } from './test-numbers.js'

declare module 'fastify' {
  interface FastifyInstance {
    smsCodes: SmsCodes
    /** SPEC §11's defences against SMS cost abuse, checked before a code is issued. */
    smsGuard: SmsGuard
    /** Texts without a code (the notice to the old number of a phone change), sent outside the request. */
    smsNotices: SmsNotices
    /** The queue every text goes through, outside the request (SPEC §9). */
    smsDelivery: SmsDelivery
  }
}

/** One-time SMS codes (SPEC §9), sent through the SMS_PROVIDER chosen at start. */
export default fp(async (app) => {
  const { SMS_PROVIDER, SMS_CODE_TTL_SECONDS } = app.config
  const guard = createSmsGuard(app.redis, app.config, app.metrics, app.log)
  const provider = await SMS_PROVIDERS[SMS_PROVIDER].create(app.config, app.log)
  const delivery = createSmsDelivery(provider, app.log)
  app.decorate('smsGuard', guard)
  app.decorate('smsDelivery', delivery)
  app.decorate('smsCodes', createSmsCodes(app.redis, delivery, {
    ttlSeconds: SMS_CODE_TTL_SECONDS,
    onRefused: guard.refused,
    onVerified: guard.verified
  }))
  const testNumbers = createTestNumbers(app.config)
  app.decorate('smsNotices', createSmsNotices(delivery, (phoneNumber) => testNumbers.codeFor(phoneNumber) === undefined))
  app.addHook('onClose', async () => { await delivery.drain() })
}, { name: 'sms-codes', dependencies: ['config', 'redis', 'metrics'] })
