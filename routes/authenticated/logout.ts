import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { replies } from '../../src/schemas/envelope.js'
import { requestContext } from '../../src/events/types.js'
import { LogoutAllData } from '../../src/schemas/accounts.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { sessions } = app

  const logout = async function (request: FastifyRequest) {
    const user = currentUser(request)
    if (await sessions.revoke(user.id, user.tokenDigest)) {
      await app.events.record({ type: 'session.revoked', userId: user.id, data: { session_id: user.sessionId, reason: 'logout' }, context: requestContext(request) })
    }
    return { code: 1 as const, message: 'logout successful' }
  }
  // Two routes rather than one with two methods, so that each OpenAPI operation has its own operationId.
  for (const [method, operationId] of [['POST', 'logout'], ['GET', 'logoutWithGet']] as const) {
    app.route({
      method,
      url: '/logout',
      // The automatic HEAD route would run this handler and end the session: HEAD changes nothing (SPEC §3).
      exposeHeadRoute: false,
      schema: { operationId, summary: 'End this session; the token stops working at once', tags: ['session'], response: replies({}) },
      handler: logout
    })
  }

  app.post('/logout/all', {
    schema: { operationId: 'logoutAll', summary: 'End every session of the user', tags: ['session'], response: replies(LogoutAllData) }
  }, async function (request) {
    const { id } = currentUser(request)
    const revoked = await sessions.revokeAll(id)
    await app.events.record({ type: 'session.revoked', userId: id, data: { reason: 'logout_all', sessions_ended: revoked }, context: requestContext(request) })
    return { code: 1 as const, message: 'all sessions ended', revoked }
  })
}

export default plugin
