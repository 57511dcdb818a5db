import fp from 'fastify-plugin'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { onRequestHookHandler } from 'fastify'
import { PROJECT_VERSION } from '../src/config/project.js'
import { DOCS_CONTENT_SECURITY_POLICY } from '../src/http/security-headers.js'

// The one place that serves HTML, so the one place with a content security policy (plugins/security-headers.ts).
const setContentSecurityPolicy: onRequestHookHandler = function (_request, reply, done) {
  reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
  done()
}

/**
 * OpenAPI 3 generated from the routes' TypeBox schemas (@fastify/swagger), browsable at /docs and
 * as JSON at /docs/json (@fastify/swagger-ui). Wrapped in fp so swagger sees routes registered later.
 */
export default fp(async (app) => {
  if (!app.config.DOCS_ENABLED) return
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sesame',
        description: 'Token auth for mobile apps. Every reply is the envelope `{code, message, error?}`: code 1 success, 0 failure, 2 token not valid (log in again).',
        version: PROJECT_VERSION
      },
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'token', description: 'The token from POST /login' },
          bearer: { type: 'http', scheme: 'bearer', description: 'The same token as Authorization: Bearer <token>' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'One of ADMIN_KEYS, for the /admin/ routes (support only)' },
          serviceKey: { type: 'http', scheme: 'bearer', description: 'One of SERVICE_KEYS, for POST /introspect from your own services' }
        }
      }
    }
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: setContentSecurityPolicy } })
}, { name: 'docs' })
