import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { IntrospectBody, IntrospectData } from '../../src/schemas/introspection.js'
import { toPublicUser } from '../../src/users/user.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { sessions } = app
  app.post('/introspect', {
    schema: {
      operationId: 'introspectToken',
      summary: 'Check a token for another service (RFC 7662 style)',
      description: 'Authorization: Bearer <service key>. A live token answers active: true with its user; any other token active: false.',
      body: IntrospectBody,
      response: replies(IntrospectData)
    }
  }, async function (request) {
    const user = await sessions.resolve(request.body.token)
    if (user === null) return { code: 1 as const, message: 'token is not active', active: false }
    const expiresIn = Math.ceil((user.expiresAt - Date.now()) / 1000)
    return { code: 1 as const, message: 'token is active', active: true, user: toPublicUser(user), session_id: user.sessionId, expires_in: expiresIn }
  })
}

export default plugin
