import type { FastifyBaseLogger } from 'fastify'
import { fail, rateLimited } from '../http/errors.js'
import type { LoginFailureCounter } from '../limits/login-failures.js'
import type { PasswordHasher } from '../passwords/hasher.js'
import type { SessionStore, SessionUser } from '../sessions/store.js'
import type { SmsCodes, SmsPurpose } from '../sms/codes.js'
import { PhoneTakenError, type UsersRepository } from '../users/repository.js'
import type { StoredUser, User } from '../users/user.js'
import { normalizeNickname, normalizePhoneNumber } from './input.js'
import type { Language } from '../i18n/language.js'

export interface AccountDeps {
  users: UsersRepository
  passwords: PasswordHasher
  sessions: SessionStore
  loginFailures: LoginFailureCounter
  smsCodes: SmsCodes
  log: FastifyBaseLogger
}

/**
 * Creates a user. A code that is sent is checked, whatever PHONE_VERIFICATION says: checked first, so
 * that a wrong code never tells whether the number is registered; used up last, so phone_taken leaves it usable.
 */
async function register (deps: AccountDeps, body: { phoneNumber: string, password: string, nickname?: string | null, smsCode?: string }) {
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber), nickname: normalizeNickname(body.nickname) }
  if (input.smsCode !== undefined) {
    const checked = await deps.smsCodes.check(input.phoneNumber, 'register', input.smsCode)
    if (await deps.users.findByPhone(input.phoneNumber) !== null) throw fail('phone_taken')
    await checked.consume()
  }
  const passwordHash = await deps.passwords.hash(input.password)
  try {
    return await deps.users.insert({ phoneNumber: input.phoneNumber, passwordHash, nickname: input.nickname })
  } catch (err) {
    if (err instanceof PhoneTakenError) throw fail('phone_taken')
    throw err
  }
}

/**
 * Checks the password and starts a session. An unknown number and a wrong password fail the same
 * way, after the same hashing work, and both count against the number's failure limit; once it is
 * reached even the right password gets 429 until the window passes. A success clears the count, and
 * a hash made with weaker parameters is upgraded on the way.
 */
async function logIn (deps: AccountDeps, body: { phoneNumber: string, password: string, userAgent: string }) {
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber) }
  const { failures, blockedFor } = await deps.loginFailures.check(input.phoneNumber)
  if (blockedFor > 0) throw rateLimited(blockedFor)
  const user = await deps.users.findByPhone(input.phoneNumber)
  const valid = user === null
    ? await deps.passwords.verifyUnknown(input.password)
    : await deps.passwords.verify(user.passwordHash, input.password)
  if (user === null || !valid) {
    await deps.loginFailures.record(input.phoneNumber)
    throw fail('invalid_credentials')
  }
  if (deps.passwords.needsRehash(user.passwordHash)) await upgradeHash(deps, user, input.password)
  const session = await deps.sessions.create(withoutHash(user), input.userAgent)
  if (failures > 0) await deps.loginFailures.clear(input.phoneNumber)
  return { user, session }
}

async function upgradeHash (deps: AccountDeps, user: StoredUser, password: string) {
  try {
    await deps.users.updatePasswordHash(user.id, await deps.passwords.hash(password), false)
    deps.log.info({ userId: user.id }, 'password hash upgraded')
  } catch (err) {
    deps.log.warn({ err, userId: user.id }, 'password hash upgrade failed; will retry at the next login')
  }
}

/** Changes the password after checking the old one; every other session of the user ends first. */
async function changePassword (deps: AccountDeps, user: SessionUser, input: { oldPassword: string, newPassword: string }) {
  const record = await deps.users.findById(user.id)
  if (record === null || !await deps.passwords.verify(record.passwordHash, input.oldPassword)) {
    throw fail('wrong_password')
  }
  const passwordHash = await deps.passwords.hash(input.newPassword)
  // Revoke before writing: if the write then fails, the password is unchanged and nothing is left half-done.
  const revoked = await deps.sessions.revokeAll(user.id, user.tokenDigest)
  await deps.users.updatePasswordHash(user.id, passwordHash, true)
  return { revoked }
}

/**
 * Sets a new password for the owner of the number, proven by a reset code. The code is checked first
 * (an unknown number has none, so it fails the same way) and used up only once the new hash is ready.
 * Then every session ends and the number's failed-login counter (SPEC §4) is cleared.
 */
async function resetPassword (deps: AccountDeps, body: { phoneNumber: string, smsCode: string, newPassword: string }) {
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber) }
  const checked = await deps.smsCodes.check(input.phoneNumber, 'reset_password', input.smsCode)
  const user = await deps.users.findByPhone(input.phoneNumber)
  if (user === null) throw fail('sms_code_invalid')
  const passwordHash = await deps.passwords.hash(input.newPassword)
  await checked.consume()
  // Write, then revoke: a session started with the old password before the write still ends.
  await deps.users.updatePasswordHash(user.id, passwordHash, true)
  await deps.sessions.revokeAll(user.id)
  await deps.loginFailures.clear(input.phoneNumber)
}

/** Sets the nickname in MySQL, then in the cached user; `undefined` changes nothing. */
async function updateNickname (deps: AccountDeps, user: SessionUser, requested: string | null | undefined): Promise<User> {
  if (requested === undefined) return user
  const nickname = normalizeNickname(requested)
  await deps.users.updateNickname(user.id, nickname)
  await deps.sessions.updateCachedNickname(user.id, nickname)
  return { ...user, nickname }
}

/**
 * Sends a one-time code. The answer is the same whether or not the number is registered: a reset code
 * for an unknown number is not sent, but it takes its place under the number's limits all the same.
 */
async function requestSmsCode (deps: AccountDeps, body: { phoneNumber: string, purpose: SmsPurpose, language?: Language }) {
  const phoneNumber = normalizePhoneNumber(body.phoneNumber)
  const deliver = body.purpose === 'register' || await deps.users.findByPhone(phoneNumber) !== null
  return await deps.smsCodes.issue(phoneNumber, body.purpose, deliver, body.language)
}

const withoutHash = ({ passwordHash: _hash, ...user }: StoredUser): User => user

/** The account operations, bound to their dependencies. */
export function createAccounts (deps: AccountDeps) {
  return {
    register: (input: Parameters<typeof register>[1]) => register(deps, input),
    logIn: (input: Parameters<typeof logIn>[1]) => logIn(deps, input),
    changePassword: (user: SessionUser, input: Parameters<typeof changePassword>[2]) => changePassword(deps, user, input),
    resetPassword: (input: Parameters<typeof resetPassword>[1]) => resetPassword(deps, input),
    updateNickname: (user: SessionUser, nickname: string | null | undefined) => updateNickname(deps, user, nickname),
    requestSmsCode: (input: Parameters<typeof requestSmsCode>[1]) => requestSmsCode(deps, input)
  }
}

export type Accounts = ReturnType<typeof createAccounts>
