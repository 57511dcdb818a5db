import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set on SIGTERM for SHUTDOWN_DRAIN_SECONDS before the listener closes: /ready answers 503 meanwhile. */
    readiness: { draining: boolean }
  }
}

export default fp(async (app) => {
  app.decorate('readiness', { draining: false })
}, { name: 'readiness' })
