import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { fail } from '../../src/http/errors.js'
import { toPublicSession } from '../../src/sessions/public.js'
import { replies } from '../../src/schemas/envelope.js'
import { requestContext } from '../../src/events/types.js'
import { SessionParams, SessionsData } from '../../src/schemas/accounts.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { sessions } = app

  app.get('/sessions', {
    schema: { operationId: 'listSessions', summary: "The user's live sessions", tags: ['session'], response: replies(SessionsData) }
  }, async function (request) {
    const user = currentUser(request)
    const live = await sessions.list(user.id)
    return {
      code: 1 as const,
      message: 'ok',
      sessions: live.map((s) => ({ ...toPublicSession(s), current: s.id === user.sessionId }))
    }
  })

  app.delete('/sessions/:id', {
    schema: {
      operationId: 'endSession',
      errors: ['not_found'],
      summary: 'End one session of the user (another device, or this one)',
      tags: ['session'],
      params: SessionParams,
      response: replies({})
    }
  }, async function (request) {
    const user = currentUser(request)
    if (!await sessions.revokeById(user.id, request.params.id)) throw fail('not_found', 'no such session')
    await app.events.record({ type: 'session.revoked', userId: user.id, data: { session_id: request.params.id, reason: 'ended' }, context: requestContext(request) })
    return { code: 1 as const, message: 'session ended' }
  })
}

export default plugin
