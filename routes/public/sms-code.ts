import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { SmsCodeBody, SmsCodeData } from '../../src/schemas/sms.js'
import { pickLanguage } from '../../src/i18n/language.js'

/**
 * POST /sms/code, under the per-IP attempt budget of SPEC §4 it shares with login and register.
 * The answer is the same whether or not the number is registered: a reset code for an unknown number
 * is not sent, but it takes its place under the number's limits all the same.
 */
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.post('/sms/code', {
    schema: {
      summary: 'Send a one-time code by SMS',
      description: 'At most one code a minute per number, whatever the purpose, and 10 a day.',
      tags: ['sms'],
      body: SmsCodeBody,
      response: replies(SmsCodeData)
    }
  }, async function (request) {
    const { retryAfter } = await accounts.requestSmsCode({ phoneNumber: request.body.phone_number, purpose: request.body.purpose, language: pickLanguage(request.headers['accept-language']) })
    return { code: 1 as const, message: 'if the number can receive it, a code is on its way', retry_after: retryAfter }
  })
}

export default plugin
