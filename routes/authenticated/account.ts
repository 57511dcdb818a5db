import { toPublicSession } from '../../src/sessions/public.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { replies } from '../../src/schemas/envelope.js'
import { SmsCode } from '../../src/schemas/sms.js'
import { currentUser } from '../../src/auth/index.js'
import { ExportData } from '../../src/schemas/accounts.js'
import { toPublicUser } from '../../src/users/user.js'
import { EXPORT_EVENTS_MAX } from '../../src/events/store.js'

// SPEC §10: the account's whole life. The password check draws on the per-IP budget of §4 as well.
const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app
  app.delete('/user', {
    onRequest: app.limitAttemptsByIp,
    schema: {
      operationId: 'deleteAccount',
      errors: ['wrong_password', 'sms_code_invalid', 'rate_limited'],
      summary: 'Delete the account, with the password or a delete_account code',
      description: 'The MySQL row and every Redis key of the user go; every session ends; the number can register again.',
      tags: ['user'],
      body: Type.Object({ password: Type.Optional(Type.String({ maxLength: 128 })), sms_code: Type.Optional(SmsCode) }),
      response: replies({})
    }
  }, async function (request) {
    await accounts.deleteAccount(currentUser(request), { password: request.body.password, smsCode: request.body.sms_code })
    return { code: 1 as const, message: 'account deleted' }
  })

  app.get('/user/export', {
    schema: {
      operationId: 'exportAccount',
      summary: 'Everything Sesame keeps about the user (GDPR access and portability), with no secret in it',
      tags: ['user'],
      response: replies(ExportData)
    }
  }, async function (request) {
    const user = currentUser(request)
    const live = await app.sessions.list(user.id)
    const sessions = live.map((s) => ({ ...toPublicSession(s), current: s.id === user.sessionId }))
    const events = await app.events.listForUser(user.id, { limit: EXPORT_EVENTS_MAX })
    return { code: 1 as const, message: 'ok', export: { user: toPublicUser(user), sessions, events } }
  })
}

export default plugin
