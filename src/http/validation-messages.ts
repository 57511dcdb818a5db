import type { FastifySchemaValidationError } from 'fastify/types/schema.js'

/**
 * Turns Ajv's first error into a sentence a person can act on. A failed `pattern` says what the
 * field should be (its schema's description) rather than quoting the regular expression.
 */
export function formatValidationError (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const [first] = errors
  const field = `${dataVar}${first?.instancePath ?? ''}`
  const parent = (first as { parentSchema?: { description?: unknown } } | undefined)?.parentSchema
  const message = first?.keyword === 'pattern' && typeof parent?.description === 'string'
    ? `${field} must be ${parent.description}`
    : `${field} ${first?.message ?? 'is not valid'}`
  return new Error(message)
}
