import { fail } from '../http/errors.js'
import type { LoginContext, SessionUser } from '../sessions/store.js'
import { PhoneTakenError } from '../users/repository.js'
import type { StoredUser, User } from '../users/user.js'
import type { AccountDeps } from './deps.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import { normalizeNickname, normalizePhoneNumber, requireWellFormedPassword } from './input.js'
import { logInWithSms, requestSmsCode } from './sms-login.js'
import { deleteAccount, eraseAccount } from './deletion.js'
import { changePhone } from './phone-change.js'
import type { EventContext } from '../events/types.js'
import { recordLoginFailure } from './login-events.js'
import { afterCommit } from './after-commit.js'

export type { AccountDeps } from './deps.js'

/**
 * Creates a user. A code that is sent is checked, whatever PHONE_VERIFICATION says: checked first, so
 * that a wrong code never tells whether the number is registered; used up last, so phone_taken leaves it usable.
 */
async function register (deps: AccountDeps, body: { phoneNumber: string, password: string, nickname?: string | null, smsCode?: string }, context: EventContext = {}) {
  requireWellFormedPassword(body.password)
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber, deps.defaultCountry), nickname: normalizeNickname(body.nickname) }
  if (input.smsCode !== undefined) {
    const checked = await deps.smsCodes.check(input.phoneNumber, 'register', input.smsCode)
    if (await deps.users.findByPhone(input.phoneNumber) !== null) throw fail('phone_taken')
    await checked.consume()
  }
  await deps.passwordPolicy.assertAllowed(input.password)
  const passwordHash = await deps.passwords.hash(input.password)
  try {
    return await deps.events.write(({ users }) => users.insert({ phoneNumber: input.phoneNumber, passwordHash, nickname: input.nickname }),
      (user) => [{ type: 'user.registered', userId: user.id, context }])
  } catch (err) {
    if (err instanceof PhoneTakenError) throw fail('phone_taken')
    throw err
  }
}

/**
 * Checks the password and starts a session, or a second-factor challenge. An unknown number and a wrong
 * password fail the same way, after the same hashing work, and both count against the number's failure
 * budget (a known device's own one when it presents its device token), which is drawn on before the hash
 * is computed; once it is spent even the right password gets 429 until the window passes. A weak hash is upgraded.
 */
async function logIn (deps: AccountDeps, body: { phoneNumber: string, password: string, context: LoginContext }) {
  requireWellFormedPassword(body.password)
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber, deps.defaultCountry) }
  const device = await deps.devices.recognise(input.phoneNumber, body.context.deviceToken)
  const found = await deps.users.findByPhone(input.phoneNumber)
  const valid = await deps.loginFailures.check(input.phoneNumber, device, async () => found === null
    ? await deps.passwords.verifyUnknown(input.password)
    : await deps.passwords.verify(found.passwordHash, input.password),
  { onFailure: async (failures) => await recordLoginFailure(deps, found?.id ?? null, failures, body.context) })
  if (found === null || !valid) throw fail('invalid_credentials')
  // Only after the password check, so a ban tells nothing to someone who does not know the password.
  if (found.bannedAt !== null) throw fail('account_banned')
  const user = deps.passwords.needsRehash(found.passwordHash) ? await upgradeHash(deps, found, input.password) : found
  return await deps.twoFactor.startSessionOrChallenge(user, body.context, device)
}

/** Returns the user with the hash now stored, so the login's credential stamp matches what it wrote. */
async function upgradeHash (deps: AccountDeps, user: StoredUser, password: string): Promise<StoredUser> {
  try {
    const passwordHash = await deps.passwords.hash(password)
    await deps.users.updatePasswordHash(user.id, passwordHash, false)
    deps.log.info({ userId: user.id }, 'password hash upgraded')
    return { ...user, passwordHash }
  } catch (err) {
    deps.log.warn({ err, userId: user.id }, 'password hash upgrade failed; will retry at the next login')
    return user
  }
}

/** Changes the password after checking the old one; every other session of the user ends first. */
async function changePassword (deps: AccountDeps, user: SessionUser, input: { oldPassword: string, newPassword: string }, context: EventContext = {}) {
  requireWellFormedPassword(input.oldPassword, 'old_password')
  requireWellFormedPassword(input.newPassword, 'new_password')
  await verifyCurrentPassword(deps, user, input.oldPassword)
  await deps.passwordPolicy.assertAllowed(input.newPassword)
  const passwordHash = await deps.passwords.hash(input.newPassword)
  // End the others before writing (if the write then fails, nothing is half-done) and again after it: a
  // login that checked the old password keeps no session (SPEC §4; see startSession in src/two-factor/login.ts).
  const revoked = await deps.sessions.revokeAll(user.id, user.tokenDigest)
  await deps.events.write(({ users }) => users.updatePasswordHash(user.id, passwordHash, true),
    () => [{ type: 'password.changed', userId: user.id, data: { sessions_ended: revoked }, context }])
  let raced = 0
  await afterCommit(deps.log, 'password.changed', [
    async () => { raced = await deps.sessions.revokeAll(user.id, user.tokenDigest) },
    async () => await deps.devices.dropAll(user.phoneNumber)
  ])
  return { revoked: revoked + raced }
}

/**
 * Sets a new password for the owner of the number, proven by a reset code. The code is checked first
 * (an unknown number has none, so it fails the same way) and used up only once the new hash is ready.
 * Then every session ends and the number's failed-login counter (SPEC §4) is cleared.
 */
async function resetPassword (deps: AccountDeps, body: { phoneNumber: string, smsCode: string, newPassword: string }, context: EventContext = {}) {
  requireWellFormedPassword(body.newPassword, 'new_password')
  const input = { ...body, phoneNumber: normalizePhoneNumber(body.phoneNumber, deps.defaultCountry) }
  const checked = await deps.smsCodes.check(input.phoneNumber, 'reset_password', input.smsCode)
  const user = await deps.users.findByPhone(input.phoneNumber)
  if (user === null) throw fail('sms_code_invalid')
  await deps.passwordPolicy.assertAllowed(input.newPassword)
  const passwordHash = await deps.passwords.hash(input.newPassword)
  await checked.consume()
  // Write, then revoke: a session started with the old password before the write still ends.
  await deps.events.write(({ users }) => users.updatePasswordHash(user.id, passwordHash, true),
    () => [{ type: 'password.reset', userId: user.id, context }])
  await afterCommit(deps.log, 'password.reset', [
    async () => await deps.sessions.revokeAll(user.id),
    async () => await deps.devices.dropAll(input.phoneNumber),
    async () => { await deps.loginFailures.reset(input.phoneNumber) }
  ])
}

/**
 * Sets the nickname in MySQL, then in the cached user, versioned so that a login which read the old one
 * cannot put it back; `undefined` changes nothing. The write is a transaction, so a 503 (its deadline
 * passed) leaves MySQL as it was: COMMIT is never sent (SPEC §5).
 */
async function updateNickname (deps: AccountDeps, user: SessionUser, requested: string | null | undefined): Promise<User> {
  if (requested === undefined) return user
  const nickname = normalizeNickname(requested)
  const version = await deps.events.write(({ users }) => users.updateNickname(user.id, nickname), () => [])
  if (version === null) throw fail('token_invalid')
  await deps.sessions.updateCachedNickname(user.id, nickname, version)
  return { ...user, nickname }
}

/** The account operations, bound to their dependencies. */
export function createAccounts (deps: AccountDeps) {
  return {
    register: (input: Parameters<typeof register>[1], context?: EventContext) => register(deps, input, context),
    logIn: (input: Parameters<typeof logIn>[1]) => logIn(deps, input),
    changePassword: (user: SessionUser, input: Parameters<typeof changePassword>[2], context?: EventContext) => changePassword(deps, user, input, context),
    resetPassword: (input: Parameters<typeof resetPassword>[1], context?: EventContext) => resetPassword(deps, input, context),
    updateNickname: (user: SessionUser, nickname: string | null | undefined) => updateNickname(deps, user, nickname),
    requestSmsCode: (input: Parameters<typeof requestSmsCode>[1]) => requestSmsCode(deps, input),
    logInWithSms: (input: Parameters<typeof logInWithSms>[1]) => logInWithSms(deps, input),
    deleteAccount: (user: SessionUser, proof: Parameters<typeof deleteAccount>[2]) => deleteAccount(deps, user, proof),
    changePhone: (user: SessionUser, input: Parameters<typeof changePhone>[2]) => changePhone(deps, user, input),
    /** The deletion without a proof, for DELETE /admin/users/:id. */
    eraseAccount: (user: Parameters<typeof eraseAccount>[1], data?: Parameters<typeof eraseAccount>[2]) => eraseAccount(deps, user, data)
  }
}

export type Accounts = ReturnType<typeof createAccounts>
