import type { FastifyPluginAsync } from 'fastify'
import { TOKEN_SECURITY } from '../../src/schemas/accounts.js'
import { guardRouteGroup } from '../../src/http/route-group.js'
import user from './user.js'
import logout from './logout.js'
import sessions from './sessions.js'
import twoFactor from './two-factor.js'
import account from './account.js'
import phone from './phone.js'
import events from './events.js'

/**
 * Routes that need a token. `authenticate` runs after the body is parsed (a broken body is still
 * 400/413/415) but before validation, so a request without a valid token gets 401, never a 400 about
 * fields it had no right to send. The OpenAPI security requirement is declared here once too.
 */
const authenticatedRoutes: FastifyPluginAsync = async (app) => {
  guardRouteGroup(app, { guard: app.authenticate, security: TOKEN_SECURITY, errors: ['token_required', 'token_invalid'] })
  await app.register(user)
  await app.register(logout)
  await app.register(sessions)
  await app.register(twoFactor)
  await app.register(account)
  await app.register(phone)
  await app.register(events)
}

export default authenticatedRoutes
