import fp from 'fastify-plugin'
import { createSessionStore, type SessionStore } from './store.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore
  }
}

export default fp(async (app) => {
  const { SESSION_TTL_SECONDS, MAX_SESSIONS_PER_USER, SESSION_SLIDING, SESSION_MAX_LIFETIME_SECONDS, SESSION_CACHE_SIZE } = app.config
  const { metrics } = app
  const store = createSessionStore(app.redis, {
    ttlSeconds: SESSION_TTL_SECONDS,
    maxSessionsPerUser: MAX_SESSIONS_PER_USER,
    sliding: SESSION_SLIDING,
    maxLifetimeSeconds: SESSION_MAX_LIFETIME_SECONDS,
    cacheSize: SESSION_CACHE_SIZE,
    onCacheError: (err) => app.log.warn({ err }, 'session cache: Redis connection error'),
    onEvent: metrics === null ? undefined : (event, count) => metrics.sessions.inc({ event }, count)
  })
  app.decorate('sessions', store)
  // The cache's own connections (a tracking and an invalidation connection per Redis node).
  app.addHook('onClose', store.close)
}, { name: 'sessions', dependencies: ['config', 'redis', 'metrics'] })
