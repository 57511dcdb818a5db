import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { ServiceInfo } from '../../src/schemas/service.js'
import { PROJECT_NAME, PROJECT_VERSION } from '../../src/config/project.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    schema: { operationId: 'getServiceInfo', summary: 'Service name and version', tags: ['service'], response: replies(ServiceInfo) }
  }, async function () {
    return { code: 1 as const, message: 'Sesame token auth', name: PROJECT_NAME, version: PROJECT_VERSION }
  })
}

export default plugin
