import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { normalizeNickname, publicUser } from '../src/accounts.js'
import { replies } from '../src/schemas/envelope.js'
import { User } from '../src/schemas/common.js'
import { RegisterBody } from '../src/schemas/accounts.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.addHook('onRequest', app.limitAttemptsByIp)
  app.post('/register', {
    schema: {
      summary: 'Create a user',
      tags: ['account'],
      body: RegisterBody(app.config.PASSWORD_MIN_LENGTH),
      response: replies({ user: User }, 201)
    }
  }, async function (request, reply) {
    const { phone_number: phoneNumber, password, nickname } = request.body
    const user = await accounts.register({ phoneNumber: phoneNumber.trim(), password, nickname: normalizeNickname(nickname) })
    return reply.code(201).send({ code: 1, message: 'register successful', user: publicUser(user) })
  })
}

export default plugin
