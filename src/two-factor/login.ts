import { fail } from '../http/errors.js'
import type { LoginFailureCounter } from '../limits/login-failures.js'
import type { DeviceTokens } from '../protection/devices.js'
import type { LoginContext, SessionStore } from '../sessions/store.js'
import type { UsersRepository } from '../users/repository.js'
import { credentialStamp, withoutSecrets, type StoredUser, type User } from '../users/user.js'
import type { Challenges } from './challenges.js'
import type { TwoFactorRepository } from './repository.js'
import { recoveryCodeHash, totpStep } from './totp.js'
import type { Events } from '../events/index.js'
import type { EventData } from '../events/types.js'
import { recordLoginFailure } from '../accounts/login-events.js'

export interface LoginDeps {
  twoFactor: TwoFactorRepository
  challenges: Challenges
  sessions: SessionStore
  devices: DeviceTokens
  loginFailures: LoginFailureCounter
  users: UsersRepository
  eraseUser: (userId: number) => Promise<number>
  events: Events
  maxLoginFailures: number
}

/** What a login that passed its first factor gives: a session (with a device token), or a second-factor challenge. */
export type LoginOutcome =
  | { kind: 'session', user: User, token: string, expiresIn: number, deviceToken: string }
  | { kind: 'challenge', challenge: string }

/**
 * Starts the session, then reads the user again: if a password change, reset, ban or deletion landed while
 * this login was checking (the stamp no longer matches, the row is banned or gone), the new session is
 * ended before its token leaves, so the change wins every race (SPEC §4), and the older sessions it would
 * have replaced are kept. Those changes write MySQL first and end the sessions after, so a session made
 * before that read is ended by them instead.
 */
async function startSession (deps: LoginDeps, user: User, context: LoginContext, device: string | undefined, stamp: string, secondFactor = false): Promise<LoginOutcome> {
  const { deviceToken: _presented, ...client } = context
  const session = await deps.sessions.create(user, client, async () => {
    const current = await deps.users.findById(user.id)
    if (current === null) {
      await deps.eraseUser(user.id) // the account was deleted meanwhile: what this login wrote goes too
      throw fail('invalid_credentials')
    }
    if (current.bannedAt !== null || credentialStamp(current) !== stamp) throw fail(current.bannedAt === null ? 'invalid_credentials' : 'account_banned')
  })
  const data: EventData = secondFactor ? { session_id: session.sessionId, second_factor: true } : { session_id: session.sessionId }
  await deps.events.record({ type: 'login.succeeded', userId: user.id, data, context })
  const deviceToken = await deps.devices.issue(user.phoneNumber, user.id, device)
  return { kind: 'session', user, token: session.token, expiresIn: session.expiresIn, deviceToken }
}

/**
 * The one way every login (/login, /login/sms) ends once its first factor passed: a session, or, with
 * two-factor login on, a challenge for POST /login/2fa. `device` is the digest of the known device the
 * login presented (from DeviceTokens.recognise), whose failure budget the second factor then uses.
 */
export async function startSessionOrChallenge (deps: LoginDeps, stored: StoredUser, context: LoginContext, device?: string): Promise<LoginOutcome> {
  const user = withoutSecrets(stored)
  const stamp = credentialStamp(stored)
  const totp = await deps.twoFactor.find(user.id)
  if (totp?.enabled !== true) return await startSession(deps, user, context, device, stamp)
  const { deviceToken: _presented, ...client } = context
  const challenge = await deps.challenges.create({ userId: user.id, phoneNumber: user.phoneNumber, device, stamp, context: client })
  return { kind: 'challenge', challenge }
}

/** A TOTP code (each accepted once) or an unused recovery code (then used up). */
export async function checkSecondFactor (deps: Pick<LoginDeps, 'twoFactor'>, userId: number, secret: string, code: string) {
  const step = await totpStep(secret, code)
  if (step !== null) return await deps.twoFactor.useStep(userId, step)
  return /^\d{6}$/.test(code) ? false : await deps.twoFactor.useRecoveryCode(userId, recoveryCodeHash(code))
}

/**
 * POST /login/2fa. A wrong code counts as a failed login on the budget the first factor used (the number's,
 * or the known device's), and a spent budget is 429 before any code is checked. The challenge survives a
 * wrong code (a typo does not send the person back to the password) and is used up by the right one.
 */
export async function completeChallenge (deps: LoginDeps, body: { challenge: string, code: string, context: LoginContext }) {
  const pending = await deps.challenges.find(body.challenge)
  if (pending === null) throw fail('second_factor_invalid', 'the challenge is unknown, expired or already used; log in again')
  const user = await deps.users.findById(pending.userId)
  const passed = await deps.loginFailures.check(pending.phoneNumber, pending.device, async () => {
    const totp = await deps.twoFactor.find(pending.userId)
    return totp?.enabled === true && user !== null && await checkSecondFactor(deps, pending.userId, totp.secret, body.code.trim())
  }, { onFailure: async (failures) => await recordLoginFailure(deps, pending.userId, failures, body.context, { second_factor: true }) })
  if (!passed || user === null) throw fail('second_factor_invalid')
  if (!await deps.challenges.consume(body.challenge)) throw fail('second_factor_invalid', 'the challenge was already used; log in again')
  return await startSession(deps, withoutSecrets(user), { ...pending.context }, pending.device, pending.stamp, true)
}
