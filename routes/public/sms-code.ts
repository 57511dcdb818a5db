import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { SmsCodeBody, SmsCodeData } from '../../src/schemas/sms.js'
import { TOKEN_SECURITY } from '../../src/schemas/accounts.js'
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
      operationId: 'requestSmsCode',
      // change_phone and delete_account need the token (optional otherwise: `{}` is "no credentials").
      security: [{}, ...TOKEN_SECURITY],
      errors: ['sms_not_allowed', 'challenge_failed', 'token_required', 'token_invalid'],
      summary: 'Send a one-time code by SMS',
      description: 'At most one code a minute per number, whatever the purpose, and 10 a day; SMS_ALLOWED_COUNTRIES, the prefix, country and daily budgets, and (with SMS_CHALLENGE_URL) a challenge_token apply first. ' +
        'change_phone and delete_account need the token header; change_phone goes to the new number in phone_number, delete_account to the account\'s own number (phone_number may be left out).',
      tags: ['sms'],
      body: SmsCodeBody,
      response: replies(SmsCodeData)
    }
  }, async function (request, reply) {
    const { purpose, challenge_token: challengeToken } = request.body
    // These two act on the token's account (SPEC §9), so they need the token: 401 without it.
    if (purpose === 'change_phone' || purpose === 'delete_account') await app.authenticate(request, reply)
    const { retryAfter } = await accounts.requestSmsCode({
      phoneNumber: request.body.phone_number, purpose, user: request.user, challengeToken, ip: request.ip, language: pickLanguage(request.headers['accept-language'])
    })
    return { code: 1 as const, message: 'if the number can receive it, a code is on its way', retry_after: retryAfter }
  })
}

export default plugin
