import type { FastifySchema } from 'fastify'
import { ERRORS, type ErrorName } from './errors.js'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The `error` names this route's own logic can answer. Its route group adds the guard's (declareRouteGroup),
     * and `documentedFailures` adds those every route, or every route with a body, can answer. The OpenAPI
     * document then shows one response per status listing exactly these names (plugins/docs.ts).
     */
    errors?: readonly ErrorName[]
  }
}

/** Any route: a request without Host (400), an unexpected error (500), a dependency down or load shed (503). */
const EVERY_ROUTE: ErrorName[] = ['validation_failed', 'internal_error', 'service_unavailable']
/** A route that reads a JSON body (Fastify's content-type parser, bodyLimit and REQUEST_TIMEOUT_SECONDS). */
const BODY_ROUTE: ErrorName[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type', 'request_timeout']

/** `schema` with `errors` added to its list, each name once: a route group's guard declares its own this way. */
export function addErrors (schema: FastifySchema | undefined, errors: readonly ErrorName[]): FastifySchema {
  return { ...schema, errors: [...new Set([...(schema?.errors ?? []), ...errors])] }
}

export interface DocumentedFailure {
  status: number
  errors: ErrorName[]
}

/** Every error a route can answer, grouped by HTTP status in the order of the error table. */
export function documentedFailures (schema: FastifySchema): DocumentedFailure[] {
  const named = new Set([...EVERY_ROUTE, ...(schema.body === undefined ? [] : BODY_ROUTE), ...(schema.errors ?? [])])
  const byStatus = new Map<number, ErrorName[]>()
  for (const name of Object.keys(ERRORS) as ErrorName[]) {
    if (!named.has(name)) continue
    const { status } = ERRORS[name]
    byStatus.set(status, [...(byStatus.get(status) ?? []), name])
  }
  return [...byStatus].sort(([a], [b]) => a - b).map(([status, errors]) => ({ status, errors }))
}
