import type { FastifyInstance, preValidationHookHandler } from 'fastify'
import type { ErrorName } from './errors.js'
import { addErrors } from './route-errors.js'

export interface RouteGroupDocs {
  /** The OpenAPI security requirement of every route in the group; `[]` for public routes. */
  security: Array<Record<string, string[]>>
  /** The `error` names the group's guard (or budget) can answer, added to each route's own `errors`. */
  errors?: readonly ErrorName[]
  tags?: string[]
}

/** Declares, once for a route group, what its OpenAPI operations share: security, the guard's errors, a tag. */
export function declareRouteGroup (app: FastifyInstance, group: RouteGroupDocs) {
  app.addHook('onRoute', (route) => {
    route.schema = {
      ...addErrors(route.schema, group.errors ?? []),
      security: route.schema?.security ?? group.security, // a route may widen it (POST /sms/code: a token for some purposes)
      ...(group.tags === undefined ? {} : { tags: group.tags })
    }
  })
}

/**
 * Declares, once for a route group, the guard that protects it (a preValidation hook: after the body is
 * parsed, before it is validated) and the OpenAPI security requirement, errors (and tag) of every route in it.
 */
export function guardRouteGroup (app: FastifyInstance, group: RouteGroupDocs & { guard: preValidationHookHandler }) {
  app.addHook('preValidation', group.guard)
  declareRouteGroup(app, group)
}
