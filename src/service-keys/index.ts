import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { fail } from '../http/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preValidation guard: `Authorization: Bearer <one of SERVICE_KEYS>`, else 401 service_key_invalid. */
    requireServiceKey: (request: FastifyRequest) => Promise<void>
    /** The same for ADMIN_KEYS (docs/API.md §14). */
    requireAdminKey: (request: FastifyRequest) => Promise<void>
  }
}

const BEARER = /^Bearer ([^\s,]+)$/
const sha256 = (value: string) => createHash('sha256').update(value).digest()

/**
 * A check of a presented key against a comma-separated key list. Digests of equal length are compared
 * with timingSafeEqual, every key every time, so neither the key nor its length leaks through timing.
 */
export function createKeyCheck (list: string | undefined) {
  const keys = (list ?? '').split(',').filter((key) => key !== '').map(sha256)
  return (authorization: string | undefined): boolean => {
    const presented = BEARER.exec(authorization ?? '')?.[1]
    if (presented === undefined) return false
    const digest = sha256(presented)
    let found = false
    for (const key of keys) found = timingSafeEqual(key, digest) || found
    return found
  }
}

/**
 * Guards for machine callers. A wrong or missing key draws on the per-IP attempt budget (so keys cannot
 * be guessed at speed) and answers 401; a right key costs nothing.
 */
export default fp(async (app) => {
  const guard = (check: (authorization: string | undefined) => boolean) => async (request: FastifyRequest) => {
    if (check(request.headers.authorization)) return
    await app.limitAttemptsByIp(request)
    throw fail('service_key_invalid')
  }
  app.decorate('requireServiceKey', guard(createKeyCheck(app.config.SERVICE_KEYS)))
  app.decorate('requireAdminKey', guard(createKeyCheck(app.config.ADMIN_KEYS)))
}, { name: 'service-keys', dependencies: ['config', 'rate-limits'] })
