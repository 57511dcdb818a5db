import type { FastifyPluginAsync } from 'fastify'
import { declareRouteGroup } from '../../src/http/route-group.js'
import register from './register.js'
import login from './login.js'
import loginTwoFactor from './login-2fa.js'
import loginSms from './login-sms.js'
import smsCode from './sms-code.js'
import passwordReset from './password-reset.js'

/**
 * Routes anyone may call that spend a password check or an SMS: they draw on one shared per-IP
 * attempt budget (docs/API.md §4), declared here once for the whole group.
 */
const publicRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.limitAttemptsByIp)
  declareRouteGroup(app, { security: [], errors: ['rate_limited'] })
  await app.register(register)
  await app.register(login)
  await app.register(loginTwoFactor)
  await app.register(loginSms)
  await app.register(smsCode)
  await app.register(passwordReset)
}

export default publicRoutes
