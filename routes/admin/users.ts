import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { replies } from '../../src/schemas/envelope.js'
import { AdminUserData, RevokedData, UserIdParams, UserLookupQuery } from '../../src/schemas/admin.js'
import { requestContext } from '../../src/events/types.js'
import { toPublicSession } from '../../src/sessions/public.js'
import { toPublicUser } from '../../src/users/user.js'

// Each call is an event of the user's (src/admin/index.ts says which).
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { admin } = app

  app.get('/users', {
    schema: { operationId: 'findUser', errors: ['not_found'], summary: 'Find a user by phone number, with its sessions', querystring: UserLookupQuery, response: replies(AdminUserData) }
  }, async function (request) {
    const { user, sessions, twoFactorEnabled } = await admin.lookUp(request.query.phone_number, requestContext(request))
    return {
      code: 1 as const,
      message: 'ok',
      user: { ...toPublicUser(user), banned: user.bannedAt !== null, banned_at: user.bannedAt },
      sessions: sessions.map(toPublicSession),
      two_factor_enabled: twoFactorEnabled
    }
  })

  app.post('/users/:id/ban', {
    schema: { operationId: 'banUser', errors: ['not_found'], summary: 'Ban a user: every session ends now, every later login answers 403 account_banned', params: UserIdParams, response: replies(RevokedData) }
  }, async function (request) {
    return { code: 1 as const, message: 'user banned', revoked: await admin.ban(Number(request.params.id), requestContext(request)) }
  })

  app.post('/users/:id/unban', {
    schema: { operationId: 'unbanUser', errors: ['not_found'], summary: 'Lift a ban', params: UserIdParams, response: replies({}) }
  }, async function (request) {
    await admin.unban(Number(request.params.id), requestContext(request))
    return { code: 1 as const, message: 'user unbanned' }
  })

  app.delete('/users/:id/sessions', {
    schema: { operationId: 'endUserSessions', errors: ['not_found'], summary: 'End every session of a user', params: UserIdParams, response: replies(RevokedData) }
  }, async function (request) {
    return { code: 1 as const, message: 'all sessions ended', revoked: await admin.endSessions(Number(request.params.id), requestContext(request)) }
  })

  app.delete('/users/:id', {
    schema: {
      operationId: 'deleteUser',
      errors: ['not_found'],
      summary: 'Delete a user as DELETE /user does: every session ends, the rows go, only the user.deleted event stays',
      params: UserIdParams,
      response: replies({})
    }
  }, async function (request) {
    await admin.deleteUser(Number(request.params.id))
    return { code: 1 as const, message: 'account deleted' }
  })
}

export default plugin
