import type { FastifyPluginAsync } from 'fastify'
import { ADMIN_KEY_SECURITY } from '../../src/schemas/admin.js'
import { guardRouteGroup } from '../../src/http/route-group.js'
import users from './users.js'

/** Support's API under /admin/: an admin key (ADMIN_KEYS), declared once here, and its own OpenAPI tag. */
const adminRoutes: FastifyPluginAsync = async (app) => {
  // A wrong key draws on the per-IP attempt budget (src/service-keys), hence rate_limited.
  guardRouteGroup(app, { guard: app.requireAdminKey, security: ADMIN_KEY_SECURITY, errors: ['service_key_invalid', 'rate_limited'], tags: ['admin'] })
  await app.register(users, { prefix: '/admin' })
}

export default adminRoutes
