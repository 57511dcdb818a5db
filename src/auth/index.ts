import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import sesameAuth from '../../packages/fastify-auth/src/index.js'
import { fail } from '../http/errors.js'
import type { SessionUser } from '../sessions/store.js'

// The token reader of SPEC §3 is the package's, so that Sesame and the plugin read headers alike.
export { readToken } from '../../packages/fastify-auth/src/index.js'

/** The user of the request, for handlers behind `authenticate`, which guarantees it is set. */
export function currentUser (request: FastifyRequest): SessionUser {
  if (request.user === null) throw new Error('route is missing the authenticate hook')
  return request.user
}

/**
 * `app.authenticate` and `request.user`: the package's plugin (the one other services register), on
 * Sesame's own resolver. It resolves the token in at most one Redis round trip. Failures go through
 * Sesame's error table (translated messages, dependency metrics) instead of the plugin's envelope.
 * Route plugins that need a token add it with `app.addHook('preValidation', app.authenticate)`:
 * after the body is parsed (so a broken body is still 400/413/415) but before it is validated, so a
 * request without a valid token gets 401, never a 400 about fields it had no right to send.
 */
export default fp(async (app) => {
  await app.register(sesameAuth, {
    resolver: app.sessions.resolver,
    onFailure: (failure) => {
      if (failure.cause !== undefined) throw failure.cause
      throw fail(failure.error)
    }
  })
}, { name: 'auth', dependencies: ['sessions'] })
