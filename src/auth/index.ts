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

const BEARER = /^Bearer +([^\s]+) *$/i

/**
 * The token from the `token` header (the original app's) or from `Authorization: Bearer`. `null`: no token
 * sent (neither header, or only empty ones). `''`: one was sent but cannot be valid: a malformed
 * `Authorization` (`Bearer a b`, `Basic …`, `Bearer` alone) or the two headers with different tokens.
 */
export function readToken (headers: FastifyRequest['headers']): string | null {
  const header = typeof headers.token === 'string' ? headers.token.trim() : ''
  const authorization = (headers.authorization ?? '').trim()
  if (authorization === '') return header === '' ? null : header
  const bearer = BEARER.exec(authorization)?.[1] ?? ''
  if (header !== '' && bearer !== header) return ''
  return bearer
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
