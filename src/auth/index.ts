import fp from 'fastify-plugin'
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import { fail } from '../http/errors.js'
import type { SessionUser } from '../sessions/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: preValidationAsyncHookHandler
  }
  interface FastifyRequest {
    // Set by `authenticate` on routes that need a token; null elsewhere.
    user: SessionUser | null
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The token from the `token` header (the original app's) or from `Authorization: Bearer`. */
export function readToken (headers: FastifyRequest['headers']): string | null {
  const token = headers.token
  if (typeof token === 'string' && token.trim() !== '') return token.trim()
  const match = BEARER.exec(headers.authorization ?? '')
  return match?.[1] ?? null
}

/** The user of the request, for handlers behind `authenticate`, which guarantees it is set. */
export function currentUser (request: FastifyRequest): SessionUser {
  if (request.user === null) throw new Error('route is missing the authenticate hook')
  return request.user
}

/**
 * `app.authenticate`: the auth hook. It resolves the token to its user in one Redis round trip and sets
 * `request.user`. Route plugins that need a token add it with `app.addHook('preValidation', app.authenticate)`:
 * after the body is parsed (so a broken body is still 400/413/415) but before it is validated, so a
 * request without a valid token gets 401, never a 400 about fields it had no right to send.
 */
export default fp(async (app) => {
  app.decorateRequest('user', null)
  app.decorate('authenticate', async function (request: FastifyRequest) {
    const token = readToken(request.headers)
    if (token === null) throw fail('token_required')
    const user = await app.sessions.resolve(token)
    if (user === null) throw fail('token_invalid')
    request.user = user
  })
}, { name: 'auth', dependencies: ['sessions'] })
