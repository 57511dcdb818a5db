import type { FastifyReply, FastifyRequest } from 'fastify'
import { ERRORS } from '../http/errors.js'
import type { LoginContext } from '../sessions/client.js'
import type { LoginOutcome } from './login.js'

/** Who is logging in, from the request and the optional login body fields. */
export function loginContext (request: FastifyRequest, body: { device_token?: string, device_name?: string, app_version?: string }): LoginContext {
  return {
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 256),
    ip: request.ip,
    deviceToken: body.device_token,
    deviceName: body.device_name,
    appVersion: body.app_version
  }
}

/**
 * The reply of every login: the session, or 401 second_factor_required with its challenge (a failure that
 * carries data, so its body is built here from the error table rather than by the error handler).
 */
export function sendLoginOutcome (reply: FastifyReply, outcome: LoginOutcome) {
  if (outcome.kind === 'challenge') {
    const { code, message } = ERRORS.second_factor_required
    return reply.code(401).send({ code, error: 'second_factor_required', message, challenge: outcome.challenge })
  }
  return reply.send({
    code: 1, message: 'logon successful', nickname: outcome.user.nickname, token: outcome.token, expires_in: outcome.expiresIn, device_token: outcome.deviceToken
  })
}
