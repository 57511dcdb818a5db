import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentUser } from '../../src/auth/index.js'
import { toPublicUser } from '../../src/users/user.js'
import { replies } from '../../src/schemas/envelope.js'
import { User, UserFields } from '../../src/schemas/common.js'
import { ChangePasswordBody, NicknameBody } from '../../src/schemas/accounts.js'
import { requestContext } from '../../src/events/types.js'

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const { accounts } = app

  // Not async: nothing to wait for, and the most frequent route need not pay for a promise.
  app.get('/user', {
    schema: { operationId: 'getUser', summary: 'The logged-in user', tags: ['user'], response: replies(UserFields) }
  }, function (request) {
    return { code: 1 as const, message: 'ok', ...toPublicUser(currentUser(request)) }
  })

  app.patch('/user', {
    schema: { operationId: 'updateUser', summary: 'Change the nickname', tags: ['user'], body: NicknameBody, response: replies({ user: User }) }
  }, async function (request) {
    const user = await accounts.updateNickname(currentUser(request), request.body.nickname)
    return { code: 1 as const, message: request.body.nickname === undefined ? 'nothing to change' : 'user updated', user: toPublicUser(user) }
  })

  app.post('/user/password', {
    // It checks a password, so it draws on the per-IP attempt budget like the public routes (SPEC §4).
    onRequest: app.limitAttemptsByIp,
    schema: {
      operationId: 'changePassword',
      errors: ['wrong_password', 'password_too_common', 'rate_limited'],
      summary: 'Change the password; every other session of the user ends',
      tags: ['user'],
      body: ChangePasswordBody(app.config.PASSWORD_MIN_LENGTH),
      response: replies({})
    }
  }, async function (request) {
    await accounts.changePassword(currentUser(request), {
      oldPassword: request.body.old_password,
      newPassword: request.body.new_password
    }, requestContext(request))
    return { code: 1 as const, message: 'password changed' }
  })
}

export default plugin
