import { phoneChanged, type EventContext } from '../events/types.js'
import { fail } from '../http/errors.js'
import { phoneChangedText } from '../i18n/sms.js'
import type { Language } from '../i18n/language.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import type { SessionUser } from '../sessions/store.js'
import { PhoneTakenError } from '../users/repository.js'
import type { User } from '../users/user.js'
import type { AccountDeps } from './deps.js'
import { normalizePhoneNumber, requireWellFormedPassword } from './input.js'

/** The scope of a change_phone code: the account that asked for it, the only one that can use it. */
export const changePhoneScope = (userId: number) => `u${userId}`

/**
 * POST /user/phone (SPEC §10): the password (on the failure budget of §4: 403 wrong_password, counted) and a
 * change_phone code sent to the new number for this account. The checks run before the code is used up, so a
 * request refused for a wrong password or a taken number leaves it usable; only the race for the same number,
 * which MySQL's unique index decides, can use up the loser's code (409 all the same, and nothing else changed).
 * Then MySQL moves the number and counts the change (phone_version); one Redis script ends every other session
 * and gives the cached user the new number unless a newer change got there first (if it fails, MySQL is put
 * back, so a 503 means nothing changed); the old number's keys follow (number-keys.ts); the old number is told.
 */
export async function changePhone (deps: AccountDeps, user: SessionUser, body: { newPhoneNumber: string, smsCode: string, password: string, language?: Language, context?: EventContext }): Promise<User> {
  requireWellFormedPassword(body.password)
  const phoneNumber = normalizePhoneNumber(body.newPhoneNumber, deps.defaultCountry, 'new_phone_number')
  if (phoneNumber === user.phoneNumber) throw fail('validation_failed', 'body/new_phone_number is already the number of this account')
  await verifyCurrentPassword(deps, user, body.password)
  const checked = await deps.smsCodes.check(phoneNumber, 'change_phone', body.smsCode, changePhoneScope(user.id))
  if (await deps.users.findByPhone(phoneNumber) !== null) throw fail('phone_taken')
  await checked.consume()
  let version: number | null
  try {
    // A transaction, so a 503 (its deadline passed) leaves MySQL as it was: COMMIT is never sent (SPEC §5).
    version = await deps.events.write(({ users }) => users.changePhone(user.id, phoneNumber), () => [])
  } catch (err) {
    if (err instanceof PhoneTakenError) throw fail('phone_taken')
    throw err
  }
  if (version === null) throw fail('token_invalid') // the account was deleted meanwhile
  try {
    await deps.phoneCache(user.id, user.tokenDigest, phoneNumber, version)
  } catch (err) {
    // A 503 must mean nothing changed (SPEC §5): put the old number back unless a later change came in between.
    await deps.users.revertPhone(user.id, user.phoneNumber, version).catch(() => {})
    throw err
  }
  await deps.numberKeys.move(user.phoneNumber, phoneNumber).catch((err: unknown) => {
    deps.log.warn({ err, userId: user.id }, 'keys of the old number not moved; they expire by themselves')
  })
  // After both halves: phone.changed holds no number (SPEC §14), and record() parks it in Redis if MySQL is away.
  await deps.events.record(phoneChanged(user.id, body.context ?? {}))
  deps.smsNotices.send(user.phoneNumber, phoneChangedText(body.language), 'phone_changed')
  return { id: user.id, phoneNumber, nickname: user.nickname, registerTime: user.registerTime }
}
