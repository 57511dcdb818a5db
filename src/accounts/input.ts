import { fail } from '../http/errors.js'

/*
 * Input normalisation, in one place: routes hand the body over as it came, and accounts/ calls these
 * before anything is looked up, stored or limited.
 */

/** A phone number as it is stored, compared and limited: trimmed (the schema has checked its form). */
export const normalizePhoneNumber = (phoneNumber: string) => phoneNumber.trim()

// A lone UTF-16 surrogate is not Unicode: MySQL and Redis would store U+FFFD instead of what we answered.
const LONE_SURROGATE = /\p{Surrogate}/u

/** Trims a nickname; `null` and absent stay null. The schema has already refused blank strings. */
export function normalizeNickname (nickname: string | null | undefined) {
  if (nickname != null && LONE_SURROGATE.test(nickname)) throw fail('validation_failed', 'body/nickname must be well-formed Unicode')
  return nickname?.trim() ?? null
}
