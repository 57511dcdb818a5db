import fp from 'fastify-plugin'
import { COMPONENT_SCHEMAS } from '../src/schemas/components.js'

/**
 * Adds the shared schemas (User, Session, Failure, ErrorName, …) to the root context, so that response
 * schemas anywhere can `$ref` them and Fastify serializes through them. Wrapped in fp: they must reach
 * every route context. The OpenAPI document shows them as components (plugins/docs.ts).
 */
export default fp(async (app) => {
  for (const schema of COMPONENT_SCHEMAS) app.addSchema(schema)
}, { name: 'schemas' })
