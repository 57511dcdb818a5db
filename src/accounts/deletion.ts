import { fail } from '../http/errors.js'
import type { EventData } from '../events/types.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import type { SessionUser } from '../sessions/store.js'
import { afterCommit } from './after-commit.js'
import type { AccountDeps } from './deps.js'

/**
 * Deletes the account (SPEC §10), proven by the password or by a delete_account code. A wrong password is
 * 403 and counts on the number's failure budget (§4).
 */
export async function deleteAccount (deps: AccountDeps, user: SessionUser, proof: { password?: string | undefined, smsCode?: string | undefined }) {
  if ((proof.password === undefined) === (proof.smsCode === undefined)) {
    throw fail('validation_failed', 'body must have either password or sms_code')
  }
  if (proof.password !== undefined) await verifyCurrentPassword(deps, user, proof.password)
  else await (await deps.smsCodes.check(user.phoneNumber, 'delete_account', proof.smsCode ?? '')).consume()
  await eraseAccount(deps, user)
}

/**
 * The deletion itself, for DELETE /user and DELETE /admin/users/:id. One MySQL transaction deletes the row, the
 * rows that hang off it and every event and outbox row of the user, and writes the user.deleted event (id, type,
 * user id and time: no number, no IP, no user agent; `data` only says who deleted it). Then every Redis key of the
 * user goes in one script: a login racing the deletion finds no row, and a session it made before is erased.
 */
export async function eraseAccount (deps: AccountDeps, user: { id: number, phoneNumber: string }, data: EventData = {}) {
  await deps.events.write(async ({ users, conn }) => {
    await users.deleteById(user.id)
    await deps.events.forgetUser(conn, user.id)
  }, () => [{ type: 'user.deleted', userId: user.id, data }])
  // The row first, then the keys: a login racing the deletion either has its session erased here, or
  // finds the row gone when it reads the user again after creating its session (src/two-factor/login.ts).
  await afterCommit(deps.log, 'user.deleted', [
    async () => await deps.eraseUser(user.id),
    async () => await deps.devices.dropAll(user.phoneNumber),
    async () => { await deps.loginFailures.reset(user.phoneNumber) }
  ])
}
