import fp from 'fastify-plugin'
import { IP_ATTEMPTS_NAMESPACE } from '../redis/keys.js'
import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { rateLimited } from '../http/errors.js'
import { createLoginFailureCounter, type LoginFailureCounter } from './login-failures.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for login, register and SMS-code routes: one shared budget per client IP a minute. */
    limitAttemptsByIp: (request: FastifyRequest) => Promise<void>
    loginFailures: LoginFailureCounter
  }
}

/**
 * Brute-force limits (SPEC §4), all counted in Redis so that every instance shares them: failed logins
 * per phone number, and attempts per client IP through @fastify/rate-limit's Redis store. The client IP
 * is `request.ip`, which follows TRUST_PROXY.
 */
export default fp(async (app) => {
  const { IP_RATE_LIMIT_PER_MINUTE, LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW_SECONDS } = app.config
  await app.register(fastifyRateLimit, { global: false, redis: app.redis, nameSpace: IP_ATTEMPTS_NAMESPACE })
  // One limiter object for all the routes that use it, so they draw on one budget rather than one each.
  const limiter = app.createRateLimit({ max: IP_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 })
  app.decorate('limitAttemptsByIp', async function (request: FastifyRequest) {
    const result = await limiter(request)
    if (!result.isAllowed && result.isExceeded) throw rateLimited(result.ttlInSeconds)
  })
  app.decorate('loginFailures', createLoginFailureCounter(app.redis, {
    maxFailures: LOGIN_MAX_FAILURES,
    windowSeconds: LOGIN_FAILURE_WINDOW_SECONDS
  }))
}, { name: 'rate-limits', dependencies: ['config', 'redis'] })
