import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../src/schemas/envelope.js'
import { LoginBody } from '../src/schemas/accounts.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.post('/login', {
    schema: {
      summary: 'Log in and receive a token',
      tags: ['account'],
      body: LoginBody(app.config.PASSWORD_MIN_LENGTH),
      response: replies({
        nickname: Type.Union([Type.String(), Type.Null()]),
        token: Type.String({ description: 'Send it as the token header, or Authorization: Bearer' }),
        expires_in: Type.Integer({ description: 'seconds the session lives' })
      })
    }
  }, async function (request) {
    const { user, session } = await accounts.logIn({
      phoneNumber: request.body.phone_number.trim(),
      password: request.body.password,
      userAgent: (request.headers['user-agent'] ?? '').slice(0, 256)
    })
    return { code: 1 as const, message: 'logon successful', nickname: user.nickname, token: session.token, expires_in: session.expiresIn }
  })
}

export default plugin
