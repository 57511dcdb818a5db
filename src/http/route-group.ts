import type { FastifyInstance, preValidationAsyncHookHandler } from 'fastify'

/**
 * Declares, once for a route group, the guard that protects it (a preValidation hook: after the body is
 * parsed, before it is validated) and the OpenAPI security requirement (and tag) of every route in it.
 */
export function guardRouteGroup (app: FastifyInstance, group: {
  guard: preValidationAsyncHookHandler
  security: Array<Record<string, string[]>>
  tags?: string[]
}) {
  app.addHook('preValidation', group.guard)
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: group.security, ...(group.tags === undefined ? {} : { tags: group.tags }) }
  })
}
