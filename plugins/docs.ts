import fp from 'fastify-plugin'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { onRequestHookHandler } from 'fastify'
import { PROJECT_CONTACT, PROJECT_VERSION } from '../src/config/project.js'
import { documentRoute } from '../src/http/openapi.js'
import { DOCS_CONTENT_SECURITY_POLICY } from '../src/http/security-headers.js'

const TAGS = [
  { name: 'account', description: 'Register, log in (password, SMS code, second factor) and reset a password' },
  { name: 'user', description: "The logged-in user's account" },
  { name: 'session', description: 'Sessions and logout' },
  { name: 'two-factor', description: 'Two-factor login (TOTP)' },
  { name: 'sms', description: 'One-time SMS codes' },
  { name: 'service', description: 'Name, liveness and readiness' },
  { name: 'introspection', description: 'Token checks for your own services (service key)' },
  { name: 'admin', description: 'Support tools (admin key); not for apps' }
]

// The one place that serves HTML, so the one place with a content security policy (plugins/security-headers.ts).
const setContentSecurityPolicy: onRequestHookHandler = function (_request, reply, done) {
  reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
  done()
}

/**
 * OpenAPI 3 generated from the routes' TypeBox schemas (@fastify/swagger), browsable at /docs and
 * as JSON at /docs/json (@fastify/swagger-ui). Wrapped in fp so swagger sees routes registered later.
 * Shared schemas (plugins/schemas.ts) appear as components named by their `$id`; each route's failures
 * are documented per status from its `errors` list (src/http/openapi.ts).
 */
export default fp(async (app) => {
  if (!app.config.DOCS_ENABLED) return
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sesame',
        description: 'Token auth for mobile apps. Every reply is the envelope `{code, message, error?}`: code 1 success, 0 failure, 2 token not valid (log in again). The whole contract is docs/API.md.',
        version: PROJECT_VERSION,
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
        contact: PROJECT_CONTACT // from package.json, never made up
      },
      servers: [{ url: '/', description: 'the server that serves this document' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'token', description: 'The token from POST /login' },
          bearer: { type: 'http', scheme: 'bearer', description: 'The same token as Authorization: Bearer <token>' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'One of ADMIN_KEYS, for the /admin/ routes (support only)' },
          serviceKey: { type: 'http', scheme: 'bearer', description: 'One of SERVICE_KEYS, for POST /introspect from your own services' }
        }
      }
    },
    // Components are named by their $id (User, Failure, …), not def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` },
    transform: ({ schema, url, route }) => ({
      url,
      schema: documentRoute(schema, { alwaysServe: route.config?.alwaysServe === true })
    })
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: setContentSecurityPolicy } })
}, { name: 'docs' })
