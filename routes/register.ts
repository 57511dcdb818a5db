import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { normalizeNickname, publicUser } from '../src/accounts.js'
import { phoneTaken } from '../src/errors.js'
import { replies } from '../src/schemas/envelope.js'
import { User } from '../src/schemas/common.js'
import { RegisterBody } from '../src/schemas/accounts.js'
import { SmsCode } from '../src/schemas/sms.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts, smsCodes, usersRepository } = app
  app.addHook('onRequest', app.limitAttemptsByIp)
  const openBody = RegisterBody(app.config.PASSWORD_MIN_LENGTH)
  // PHONE_VERIFICATION=required: a missing sms_code is a 400 validation_failed, from the schema.
  const body = app.config.PHONE_VERIFICATION === 'required' ? Type.Object({ ...openBody.properties, sms_code: SmsCode }) : openBody

  app.post('/register', {
    schema: {
      summary: 'Create a user',
      tags: ['account'],
      body,
      response: replies({ user: User }, 201)
    }
  }, async function (request, reply) {
    const { phone_number: rawPhone, password, nickname, sms_code: smsCode } = request.body
    const phoneNumber = rawPhone.trim()
    // A code that is sent is checked, whatever PHONE_VERIFICATION says. Checked first, so that a wrong code
    // never tells whether the number is registered; used up last, so phone_taken leaves it usable.
    if (smsCode !== undefined) {
      const checked = await smsCodes.check(phoneNumber, 'register', smsCode)
      if (await usersRepository.findByPhone(phoneNumber) !== null) throw phoneTaken()
      await checked.consume()
    }
    const user = await accounts.register({ phoneNumber, password, nickname: normalizeNickname(nickname) })
    return reply.code(201).send({ code: 1, message: 'register successful', user: publicUser(user) })
  })
}

export default plugin
