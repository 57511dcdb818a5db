import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requestContext } from '../../src/events/types.js'
import { replies } from '../../src/schemas/envelope.js'
import { PasswordResetBody } from '../../src/schemas/sms.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.post('/password/reset', {
    schema: {
      operationId: 'resetPassword',
      errors: ['sms_code_invalid', 'password_too_common'],
      summary: 'Set a new password with a reset code from POST /sms/code; every session of the user ends',
      tags: ['account'],
      body: PasswordResetBody(app.config.PASSWORD_MIN_LENGTH),
      response: replies({})
    }
  }, async function (request) {
    await accounts.resetPassword({
      phoneNumber: request.body.phone_number,
      smsCode: request.body.sms_code,
      newPassword: request.body.new_password
    }, requestContext(request))
    return { code: 1 as const, message: 'password reset; log in with the new password' }
  })
}

export default plugin
