import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorNameSchema, replies } from '../src/schemas/envelope.js'
import { checkDependencies } from '../src/readiness.js'

const Checks = Type.Object({
  mysql: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  redis: Type.Union([Type.Literal('ok'), Type.Literal('down')])
})

const NotReady = Type.Object({
  code: Type.Literal(0),
  error: ErrorNameSchema,
  message: Type.String(),
  checks: Checks
})

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    schema: { summary: 'Liveness: the process answers; no dependency is checked', tags: ['service'], response: replies({}) }
  }, async function () {
    return { code: 1 as const, message: 'ok' }
  })

  app.get('/ready', {
    schema: {
      summary: 'Readiness: MySQL and Redis both answer within 1 s',
      tags: ['service'],
      response: { ...replies({ checks: Checks }), 503: NotReady }
    }
  }, async function (request, reply) {
    const checks = await checkDependencies(app.mysql, app.redis, 1000)
    if (checks.mysql === 'ok' && checks.redis === 'ok') return { code: 1 as const, message: 'ready', checks }
    request.log.warn({ checks }, 'not ready')
    return reply.code(503).send({ code: 0 as const, error: 'service_unavailable' as const, message: 'a dependency is not answering', checks })
  })
}

export default plugin
