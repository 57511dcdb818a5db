import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { LoginData } from '../../src/schemas/accounts.js'
import { SecondFactorBody, SecondFactorRequired } from '../../src/schemas/two-factor.js'
import { loginContext, sendLoginOutcome } from '../../src/two-factor/reply.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/login/2fa', {
    schema: {
      operationId: 'loginSecondFactor',
      errors: ['second_factor_invalid', 'account_banned'],
      summary: 'Second step of a login with two-factor login on: the challenge and a TOTP or recovery code',
      tags: ['account'],
      body: SecondFactorBody,
      response: { ...replies(LoginData), 401: SecondFactorRequired }
    }
  }, async function (request, reply) {
    const outcome = await app.twoFactor.completeChallenge({
      challenge: request.body.challenge,
      code: request.body.code,
      context: loginContext(request, request.body)
    })
    return sendLoginOutcome(reply, outcome)
  })
}

export default plugin
