import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { SmsCodeBody, SmsCodeData } from '../../src/schemas/sms.js'

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
      description: 'At most one code a minute per number, whatever the purpose, and 10 a day; SMS_ALLOWED_COUNTRIES, the prefix, country and daily budgets, and (with SMS_CHALLENGE_URL) a challenge_token apply first.',
      tags: ['sms'],
      body: SmsCodeBody,
      response: replies(SmsCodeData)
    }
  }, async function (request) {
    const { phone_number: phoneNumber, purpose, challenge_token: challengeToken } = request.body
    const { retryAfter } = await accounts.requestSmsCode({ phoneNumber, purpose, challengeToken, ip: request.ip })
    return { code: 1 as const, message: 'if the number can receive it, a code is on its way', retry_after: retryAfter }
  })
}

export default plugin
