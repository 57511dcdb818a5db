import { fail } from '../http/errors.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import type { SessionUser } from '../sessions/store.js'
import type { AccountDeps } from './deps.js'

/**
 * Deletes the account (SPEC §10), proven by the password or by a delete_account code. A wrong password is
 * 403 and counts on the number's failure budget (§4). The MySQL row goes first, then every Redis key of the
 * user in one script.
 */
export async function deleteAccount (deps: AccountDeps, user: SessionUser, proof: { password?: string | undefined, smsCode?: string | undefined }) {
  if ((proof.password === undefined) === (proof.smsCode === undefined)) {
    throw fail('validation_failed', 'body must have either password or sms_code')
  }
  if (proof.password !== undefined) await verifyCurrentPassword(deps, user, proof.password)
  else await (await deps.smsCodes.check(user.phoneNumber, 'delete_account', proof.smsCode ?? '')).consume()
  // The row first, then the keys: a login racing the deletion either has its session erased here, or
  // finds the row gone when it reads the user again after creating its session (src/two-factor/login.ts).
  await deps.users.deleteById(user.id)
  await deps.eraseUser(user.id)
  await deps.devices.dropAll(user.phoneNumber)
  await deps.loginFailures.reset(user.phoneNumber)
}
