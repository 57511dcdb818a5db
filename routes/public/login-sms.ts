import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Ok, replies } from '../../src/schemas/envelope.js'
import { LoginData } from '../../src/schemas/accounts.js'
import { SmsLoginBody } from '../../src/schemas/sms.js'
import { loginResult } from '../../src/observability/metrics.js'
import { SecondFactorRequired } from '../../src/schemas/two-factor.js'
import { loginContext, sendLoginOutcome } from '../../src/two-factor/reply.js'

/** POST /login/sms (SPEC §10): a code of purpose login instead of the password; counted in the login metric. */
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.addHook('onResponse', async function (request, reply) {
    const status = reply.statusCode
    app.metrics?.logins.inc({ result: status === 201 ? 'success' : status === 400 ? 'failure' : loginResult(status) })
  })
  app.post('/login/sms', {
    schema: {
      operationId: 'loginWithSms',
      errors: ['sms_code_invalid', 'second_factor_required', 'account_banned'],
      summary: 'Log in with a one-time SMS code (purpose login)',
      description: 'An unknown number fails like a wrong code, unless SMS_LOGIN_REGISTERS=true registers it (201, registered: true).',
      tags: ['account'],
      body: SmsLoginBody,
      response: { ...replies(LoginData), 201: Ok({ ...LoginData, registered: Type.Literal(true) }), 401: SecondFactorRequired }
    }
  }, async function (request, reply) {
    const { outcome, registered } = await accounts.logInWithSms({
      phoneNumber: request.body.phone_number,
      smsCode: request.body.sms_code,
      context: loginContext(request, request.body)
    })
    if (!registered || outcome.kind === 'challenge') return sendLoginOutcome(reply, outcome)
    return await reply.code(201).send({
      code: 1, message: 'logon successful', nickname: outcome.user.nickname, token: outcome.token, expires_in: outcome.expiresIn, device_token: outcome.deviceToken, registered: true
    })
  })
}

export default plugin
