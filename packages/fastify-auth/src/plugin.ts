import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Cluster, Redis } from 'ioredis'
import { connect, type ConnectionSettings } from './connect.js'
import { createSessionResolver, type ResolverSettings, type SessionResolver } from './resolver.js'
import { readToken } from './token.js'
import type { SessionUser } from './user.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves the request's token to its user, or answers 401: add it as a `preValidation` hook. */
    authenticate: Authenticate
    sesameResolver: SessionResolver
  }
  interface FastifyRequest {
    /** Set by `authenticate` on routes that need a token; null elsewhere. */
    user: SessionUser | null
  }
}

/**
 * The `authenticate` hook. As a hook it is callback style, so that a token found in memory costs no
 * promise (issue 12); a handler may also `await app.authenticate(request, reply)`.
 */
export type Authenticate = (request: FastifyRequest, reply: FastifyReply, done?: (err?: Error) => void) => Promise<unknown> | undefined

/** Why `authenticate` refused a request, in Sesame's envelope (SPEC §1, §3). */
export interface AuthFailure {
  statusCode: 401 | 503
  code: 0 | 2
  error: 'token_required' | 'token_invalid' | 'service_unavailable'
  message: string
  /** The Redis error behind a 503. */
  cause?: Error
}

export const FAILURES = {
  token_required: { statusCode: 401, code: 0, error: 'token_required', message: 'a token is required: send it in the token header or as Authorization: Bearer' },
  token_invalid: { statusCode: 401, code: 2, error: 'token_invalid', message: 'the token is not valid; please log in again' },
  service_unavailable: { statusCode: 503, code: 0, error: 'service_unavailable', message: 'service temporarily unavailable, please retry' }
} as const satisfies Record<AuthFailure['error'], AuthFailure>

export interface SesameAuthOptions extends ResolverSettings, ConnectionSettings {
  /** A client of your own (Redis or Cluster): used as is and not closed by the plugin. */
  redis?: Redis | Cluster
  /** A resolver made elsewhere (Sesame passes its own); the plugin then opens and closes nothing. */
  resolver?: SessionResolver
  /**
   * Your own reply shape: called instead of sending Sesame's envelope. Send a reply, or throw an error
   * for your error handler. The default sends `{code, error, message}` with the status.
   */
  onFailure?: (failure: AuthFailure, request: FastifyRequest, reply: FastifyReply) => unknown
}

const envelope = (failure: AuthFailure, _request: FastifyRequest, reply: FastifyReply) =>
  reply.code(failure.statusCode).send({ code: failure.code, error: failure.error, message: failure.message })

/**
 * Sesame's `authenticate` hook and `request.user` for any Fastify 5 service on the same Redis (or
 * Redis Cluster): tokens are resolved in Redis, or from memory that Redis invalidates, with no HTTP hop
 * and no SQL, by the same resolver Sesame runs.
 */
export default fp<SesameAuthOptions>(async (app, options) => {
  const onFailure = options.onFailure ?? envelope
  let resolver = options.resolver
  if (resolver === undefined) {
    const { client, owned } = options.redis !== undefined ? { client: options.redis, owned: false } : { client: await connect(options), owned: true }
    const made = createSessionResolver(client, { ...options, onError: options.onError ?? ((err) => app.log.warn({ err }, 'sesame-auth: Redis connection error')) })
    resolver = made
    app.addHook('onClose', async () => {
      await made.close()
      if (owned) await client.quit().catch(() => client.disconnect())
    })
  }
  app.decorate('sesameResolver', resolver)
  app.decorateRequest('user', null)
  // Not `await onFailure(…)`: a reply is a thenable, and awaiting it would wait for the response to finish.
  async function refuse (failure: AuthFailure, request: FastifyRequest, reply: FastifyReply) {
    const outcome = onFailure(failure, request, reply)
    if (outcome instanceof Promise) await outcome
    if (!reply.sent) envelope(failure, request, reply)
    return reply
  }
  /** The user goes on the request; no user is a 401 (a promise, like every refusal). */
  const settle = (user: SessionUser | null, request: FastifyRequest, reply: FastifyReply) => {
    if (user === null) return refuse(FAILURES.token_invalid, request, reply)
    request.user = user
    return undefined
  }
  const authenticate: Authenticate = function (request, reply, done) {
    const token = readToken(request.headers)
    if (token === null) return refuse(FAILURES.token_required, request, reply)
    const found = resolver.lookup(token)
    if (found instanceof Promise) {
      return found.then((user) => settle(user, request, reply), async (err: unknown) =>
        await refuse({ ...FAILURES.service_unavailable, cause: err as Error }, request, reply))
    }
    const refused = settle(found, request, reply)
    if (refused === undefined) done?.()
    return refused
  }
  app.decorate('authenticate', authenticate)
}, { fastify: '5.x', name: '@sesame/fastify-auth' })
