import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { LoginBody, LoginData } from '../../src/schemas/accounts.js'
import { SecondFactorRequired } from '../../src/schemas/two-factor.js'
import { loginResult } from '../../src/observability/metrics.js'
import { loginContext, sendLoginOutcome } from '../../src/two-factor/reply.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.addHook('onResponse', async function (request, reply) {
    app.metrics?.logins.inc({ result: loginResult(reply.statusCode) })
  })
  app.post('/login', {
    schema: {
      operationId: 'login',
      errors: ['invalid_credentials', 'second_factor_required', 'account_banned'],
      summary: 'Log in and receive a token (or, with two-factor login on, a challenge for POST /login/2fa)',
      tags: ['account'],
      body: LoginBody(app.config.PASSWORD_MIN_LENGTH),
      response: { ...replies(LoginData), 401: SecondFactorRequired }
    }
  }, async function (request, reply) {
    const outcome = await accounts.logIn({
      phoneNumber: request.body.phone_number,
      password: request.body.password,
      context: loginContext(request, request.body)
    })
    return sendLoginOutcome(reply, outcome)
  })
}

export default plugin
