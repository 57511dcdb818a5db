import type { FastifyPluginAsync } from 'fastify'
import { SERVICE_KEY_SECURITY } from '../../src/schemas/introspection.js'
import introspect from './introspect.js'

/** Routes for the app's own back-end services: a service key (SERVICE_KEYS), declared once here. */
const introspectionRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preValidation', app.requireServiceKey)
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: SERVICE_KEY_SECURITY, tags: ['introspection'] }
  })
  await app.register(introspect)
}

export default introspectionRoutes
