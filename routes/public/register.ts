import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { toPublicUser } from '../../src/users/user.js'
import { requestContext } from '../../src/events/types.js'
import { replies } from '../../src/schemas/envelope.js'
import { User } from '../../src/schemas/common.js'
import { RegisterBody, VerifiedRegisterBody } from '../../src/schemas/accounts.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  const { PASSWORD_MIN_LENGTH, PHONE_VERIFICATION } = app.config
  app.post('/register', {
    schema: {
      operationId: 'register',
      errors: ['phone_taken', 'password_too_common', 'sms_code_invalid'],
      summary: 'Create a user',
      tags: ['account'],
      body: PHONE_VERIFICATION === 'required' ? VerifiedRegisterBody(PASSWORD_MIN_LENGTH) : RegisterBody(PASSWORD_MIN_LENGTH),
      response: replies({ user: User }, 201)
    }
  }, async function (request, reply) {
    const { phone_number: phoneNumber, password, nickname, sms_code: smsCode } = request.body
    const user = await accounts.register({ phoneNumber, password, nickname, smsCode }, requestContext(request))
    return reply.code(201).send({ code: 1, message: 'register successful', user: toPublicUser(user) })
  })
}

export default plugin
