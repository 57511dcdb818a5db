import type { FastifyPluginAsync } from 'fastify'
import { declareRouteGroup } from '../../src/http/route-group.js'
import root from './root.js'
import health from './health.js'

/** `/`, `/health` and `/ready`: no token and no attempt budget, so a load balancer can always ask. */
const serviceRoutes: FastifyPluginAsync = async (app) => {
  declareRouteGroup(app, { security: [] })
  await app.register(root)
  await app.register(health)
}

export default serviceRoutes
