import { fail } from '../http/errors.js'
import type { LoginFailureCounter } from '../limits/login-failures.js'
import type { UsersRepository } from '../users/repository.js'
import type { PasswordHasher } from './hasher.js'

export interface CurrentPasswordDeps {
  users: Pick<UsersRepository, 'findById'>
  passwords: Pick<PasswordHasher, 'verify'>
  loginFailures: Pick<LoginFailureCounter, 'check'>
}

/**
 * Checks a signed-in user's password again (to change it, delete the account or turn 2FA off) on the
 * number's failure budget (docs/API.md §4): 429 once it is spent, 403 wrong_password counted as a failure.
 */
export async function verifyCurrentPassword (deps: CurrentPasswordDeps, user: { id: number, phoneNumber: string }, password: string) {
  const record = await deps.users.findById(user.id)
  const valid = await deps.loginFailures.check(user.phoneNumber, undefined, async () =>
    record !== null && await deps.passwords.verify(record.passwordHash, password), { clears: false })
  if (!valid) throw fail('wrong_password')
}
