import type { FastifySchema } from 'fastify'
import { ERRORS, type ErrorName } from './errors.js'
import { documentedFailures } from './route-errors.js'

const RETRY_AFTER = {
  type: 'integer',
  minimum: 1,
  description: 'whole seconds to wait before trying again'
}

/** The schema of one failure status: the Failure component (or the route's own failure shape) narrowed to `errors`. */
function failureResponse (status: number, errors: ErrorName[], own: unknown, retryAfter: boolean) {
  const codes = [...new Set(errors.map((name) => ERRORS[name].code))].sort()
  return {
    'x-response-description': errors.map((name) => `${name}: ${ERRORS[name].message}`).join('; '),
    ...(retryAfter ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    allOf: [
      own ?? { $ref: 'Failure' },
      { type: 'object', required: ['code', 'error'], properties: { code: { type: 'integer', enum: codes }, error: { type: 'string', enum: errors } } }
    ]
  }
}

/**
 * The route's schema as the OpenAPI document shows it (the routes themselves keep their `4xx`/`5xx`
 * Failure for serializing): the success replies, then one response per failure status that lists only the
 * `error` names the route can answer (src/http/route-errors.ts), with `Retry-After` on 429, and on 503
 * where load shedding applies (every route but those with `alwaysServe`).
 */
export function documentRoute (schema: FastifySchema, options: { alwaysServe: boolean }): FastifySchema {
  const response = (schema.response ?? {}) as Record<string, unknown>
  const documented: Record<string, unknown> = Object.fromEntries(Object.entries(response)
    .filter(([status]) => /^[123]/.test(status))
    .map(([status, reply]) => [status, { ...(reply as object), 'x-response-description': 'success: the envelope with code 1' }]))
  for (const { status, errors } of documentedFailures(schema)) {
    const retryAfter = status === 429 || (status === 503 && !options.alwaysServe)
    documented[status] = failureResponse(status, errors, response[status], retryAfter)
  }
  const { errors: _errors, ...rest } = schema
  return { ...rest, response: documented }
}
