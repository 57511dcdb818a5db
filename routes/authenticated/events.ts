import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { replies } from '../../src/schemas/envelope.js'
import { EventsData, EventsQuery } from '../../src/schemas/events.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/user/events', {
    schema: {
      operationId: 'listSecurityEvents',
      errors: [],
      summary: "The user's security events of the last 90 days, newest first, 50 a page",
      description: 'For the next page, pass the id of the last event of this one as ?before.',
      tags: ['user'],
      querystring: EventsQuery,
      response: replies(EventsData)
    }
  }, async function (request) {
    const before = request.query.before === undefined ? undefined : Number(request.query.before)
    return { code: 1 as const, message: 'ok', events: await app.events.listForUser(currentUser(request).id, { before }) }
  })
}

export default plugin
