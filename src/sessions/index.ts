import fp from 'fastify-plugin'
import { createSessionStore, type SessionStore } from './store.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore
  }
}

export default fp(async (app) => {
  const { SESSION_TTL_SECONDS, MAX_SESSIONS_PER_USER, SESSION_SLIDING, SESSION_MAX_LIFETIME_SECONDS } = app.config
  const { metrics } = app
  app.decorate('sessions', createSessionStore(app.redis, {
    ttlSeconds: SESSION_TTL_SECONDS,
    maxSessionsPerUser: MAX_SESSIONS_PER_USER,
    sliding: SESSION_SLIDING,
    maxLifetimeSeconds: SESSION_MAX_LIFETIME_SECONDS,
    onEvent: metrics === null ? undefined : (event, count) => metrics.sessions.inc({ event }, count)
  }))
}, { name: 'sessions', dependencies: ['config', 'redis', 'metrics'] })
