import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { requestContext } from '../../src/events/types.js'
import { replies } from '../../src/schemas/envelope.js'
import { DisableTwoFactorBody, EnableData, SetupData, TotpCodeBody } from '../../src/schemas/two-factor.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { twoFactor } = app

  app.post('/user/2fa/setup', {
    schema: { operationId: 'setUpTwoFactor', summary: 'Start setting up two-factor login: a TOTP secret for an authenticator app', tags: ['two-factor'], response: replies(SetupData) }
  }, async function (request) {
    const { secret, otpauthUrl } = await twoFactor.setUp(currentUser(request))
    return { code: 1 as const, message: 'scan the otpauth URL, then send a code to /user/2fa/enable', secret, otpauth_url: otpauthUrl }
  })

  app.post('/user/2fa/enable', {
    schema: { operationId: 'enableTwoFactor', errors: ['second_factor_invalid'], summary: 'Turn two-factor login on with a first code; returns 10 recovery codes, shown once', tags: ['two-factor'], body: TotpCodeBody, response: replies(EnableData) }
  }, async function (request) {
    const { recoveryCodes } = await twoFactor.enable(currentUser(request), request.body.code, requestContext(request))
    return { code: 1 as const, message: 'two-factor login is on; keep the recovery codes somewhere safe', recovery_codes: recoveryCodes }
  })

  // Checks a password and a second factor: on the per-IP attempt budget like the public logins (SPEC §4).
  app.post('/user/2fa/disable', {
    onRequest: app.limitAttemptsByIp,
    schema: { operationId: 'disableTwoFactor', errors: ['wrong_password', 'second_factor_invalid', 'rate_limited'], summary: 'Turn two-factor login off (password and a TOTP or recovery code)', tags: ['two-factor'], body: DisableTwoFactorBody, response: replies({}) }
  }, async function (request) {
    await twoFactor.disable(currentUser(request), request.body, requestContext(request))
    return { code: 1 as const, message: 'two-factor login is off' }
  })
}

export default plugin
