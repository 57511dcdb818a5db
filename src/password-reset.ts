import { smsCodeInvalid } from './errors.js'
import type { PasswordHasher } from './passwords.js'
import type { SessionStore } from './sessions.js'
import type { SmsCodes } from './sms/codes.js'
import type { LoginFailureCounter } from './login-failures.js'
import type { UsersRepository } from './users-repository.js'

export interface PasswordResetDeps {
  users: UsersRepository
  passwords: PasswordHasher
  sessions: SessionStore
  smsCodes: SmsCodes
  loginFailures: LoginFailureCounter
}

/**
 * Sets a new password for the owner of the number, proven by a reset code. The code is checked first
 * (an unknown number has none, so it fails the same way) and used up only once the new hash is ready.
 * Then every session ends and the number's failed-login counter (SPEC §4) is cleared.
 */
export async function resetPassword (deps: PasswordResetDeps, input: { phoneNumber: string, smsCode: string, newPassword: string }) {
  const checked = await deps.smsCodes.check(input.phoneNumber, 'reset_password', input.smsCode)
  const user = await deps.users.findByPhone(input.phoneNumber)
  if (user === null) throw smsCodeInvalid()
  const passwordHash = await deps.passwords.hash(input.newPassword)
  await checked.consume()
  // Write, then revoke: a session started with the old password before the write still ends.
  await deps.users.updatePasswordHash(user.id, passwordHash, true)
  await deps.sessions.revokeAll(user.id)
  await deps.loginFailures.clear(input.phoneNumber)
}
