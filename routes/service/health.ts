import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { Checks, NotReady } from '../../src/schemas/service.js'
import { checkDependencies } from '../../src/health/readiness.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    config: { alwaysServe: true },
    schema: { operationId: 'getHealth', summary: 'Liveness: the process answers; no dependency is checked', tags: ['service'], response: replies({}) }
  }, async function () {
    return { code: 1 as const, message: 'ok' }
  })

  app.get('/ready', {
    config: { alwaysServe: true },
    schema: {
      operationId: 'getReadiness',
      summary: 'Readiness: MySQL and Redis both answer within 1 s',
      tags: ['service'],
      response: { ...replies({ checks: Checks }), 503: NotReady }
    }
  }, async function (request, reply) {
    const checks = await checkDependencies(app.mysql, app.redis, 1000)
    if (app.readiness.draining) {
      return reply.code(503).send({ code: 0 as const, error: 'service_unavailable' as const, message: 'shutting down', checks })
    }
    if (checks.mysql === 'ok' && checks.redis === 'ok') return { code: 1 as const, message: 'ready', checks }
    request.log.warn({ checks }, 'not ready')
    return reply.code(503).send({ code: 0 as const, error: 'service_unavailable' as const, message: 'a dependency is not answering', checks })
  })
}

export default plugin
