import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Ok, replies } from '../../src/schemas/envelope.js'
import { LoginData } from '../../src/schemas/accounts.js'
import { SmsLoginBody } from '../../src/schemas/sms.js'
import { loginResult } from '../../src/observability/metrics.js'

/** POST /login/sms (SPEC §10): a code of purpose login instead of the password; counted in the login metric. */
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.addHook('onResponse', async function (request, reply) {
    const status = reply.statusCode
    app.metrics?.logins.inc({ result: status === 201 ? 'success' : status === 400 ? 'failure' : loginResult(status) })
  })
  app.post('/login/sms', {
    schema: {
      summary: 'Log in with a one-time SMS code (purpose login)',
      description: 'An unknown number fails like a wrong code, unless SMS_LOGIN_REGISTERS=true registers it (201, registered: true).',
      tags: ['account'],
      body: SmsLoginBody,
      response: { ...replies(LoginData), 201: Ok({ ...LoginData, registered: Type.Literal(true) }) }
    }
  }, async function (request, reply) {
    const { user, session, registered } = await accounts.logInWithSms({
      phoneNumber: request.body.phone_number,
      smsCode: request.body.sms_code,
      userAgent: (request.headers['user-agent'] ?? '').slice(0, 256)
    })
    const body = { code: 1 as const, message: 'logon successful', nickname: user.nickname, token: session.token, expires_in: session.expiresIn }
    if (!registered) return body
    return await reply.code(201).send({ ...body, registered: true })
  })
}

export default plugin
