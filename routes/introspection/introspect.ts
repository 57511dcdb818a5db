import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { IntrospectBody, IntrospectData } from '../../src/schemas/introspection.js'
import { toPublicUser } from '../../src/users/user.js'
import { inspectToken } from '../../src/sessions/inspect.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { sessions } = app
  app.post('/introspect', {
    schema: {
      summary: 'Check a token for another service (RFC 7662 style)',
      description: 'Authorization: Bearer <service key>. A live token answers active: true with its user; any other token active: false.',
      body: IntrospectBody,
      response: replies(IntrospectData)
    }
  }, async function (request) {
    const found = await inspectToken(sessions, app.redis, request.body.token)
    if (found === null) return { code: 1 as const, message: 'token is not active', active: false }
    const { user, expiresIn } = found
    return { code: 1 as const, message: 'token is active', active: true, user: toPublicUser(user), session_id: user.sessionId, expires_in: expiresIn }
  })
}

export default plugin
