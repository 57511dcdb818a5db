import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { pickLanguage } from '../../src/i18n/language.js'
import { replies } from '../../src/schemas/envelope.js'
import { User } from '../../src/schemas/common.js'
import { ChangePhoneBody } from '../../src/schemas/accounts.js'
import { toPublicUser } from '../../src/users/user.js'
import { requestContext } from '../../src/events/types.js'

// SPEC §10. It checks a password, so it draws on the per-IP attempt budget like the public routes (§4).
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.post('/user/phone', {
    onRequest: app.limitAttemptsByIp,
    schema: {
      operationId: 'changePhone',
      errors: ['phone_taken', 'sms_code_invalid', 'wrong_password', 'rate_limited'],
      summary: 'Move the account to a new phone number; every other session ends',
      description: 'Needs the password and a code of purpose change_phone sent to the new number (POST /sms/code with this token). ' +
        'A number that has an account is 409 phone_taken. The old number gets an SMS saying the number was changed.',
      tags: ['user'],
      body: ChangePhoneBody,
      response: replies({ user: User })
    }
  }, async function (request) {
    const user = await accounts.changePhone(currentUser(request), {
      newPhoneNumber: request.body.new_phone_number,
      smsCode: request.body.sms_code,
      password: request.body.password,
      language: pickLanguage(request.headers['accept-language']),
      context: requestContext(request)
    })
    return { code: 1 as const, message: 'phone number changed', user: toPublicUser(user) }
  })
}

export default plugin
