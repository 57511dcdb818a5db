import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { LoginBody, LoginData } from '../../src/schemas/accounts.js'
import { loginResult } from '../../src/observability/metrics.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.addHook('onResponse', async function (request, reply) {
    app.metrics?.logins.inc({ result: loginResult(reply.statusCode) })
  })
  app.post('/login', {
    schema: {
      summary: 'Log in and receive a token',
      tags: ['account'],
      body: LoginBody(app.config.PASSWORD_MIN_LENGTH),
      response: replies(LoginData)
    }
  }, async function (request) {
    const { user, session } = await accounts.logIn({
      phoneNumber: request.body.phone_number,
      password: request.body.password,
      userAgent: (request.headers['user-agent'] ?? '').slice(0, 256)
    })
    return { code: 1 as const, message: 'logon successful', nickname: user.nickname, token: session.token, expires_in: session.expiresIn }
  })
}

export default plugin
