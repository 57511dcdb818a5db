import type { FastifyPluginAsync } from 'fastify'
import { SERVICE_KEY_SECURITY } from '../../src/schemas/introspection.js'
import { guardRouteGroup } from '../../src/http/route-group.js'
import introspect from './introspect.js'

/** Routes for the app's own back-end services: a service key (SERVICE_KEYS), declared once here. */
const introspectionRoutes: FastifyPluginAsync = async (app) => {
  // A wrong key draws on the per-IP attempt budget (src/service-keys), hence rate_limited.
  guardRouteGroup(app, { guard: app.requireServiceKey, security: SERVICE_KEY_SECURITY, errors: ['service_key_invalid', 'rate_limited'], tags: ['introspection'] })
  await app.register(introspect)
}

export default introspectionRoutes
