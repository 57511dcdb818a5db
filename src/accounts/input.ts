import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import { fail } from '../http/errors.js'

/*
 * Input normalisation, in one place: routes hand the body over as it came, and accounts/ calls these
 * before anything is looked up, stored or limited.
 */

/**
 * A phone number in E.164 (SPEC §2), or null when it is not a possible number. National input is read
 * for `defaultCountry`; a leading `00` is an international prefix (libphonenumber reads it only for
 * countries whose prefix it is, so it is retried as `+`).
 */
export function toE164 (input: string, defaultCountry?: string): string | null {
  const text = input.trim()
  const country = defaultCountry as CountryCode | undefined
  const candidates = text.startsWith('00') ? [text, `+${text.slice(2)}`] : [text]
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, country)
    if (parsed?.isPossible() === true) return parsed.format('E.164')
  }
  return null
}

/** Reads a phone number as it is stored, compared and limited (E.164), or throws 400 validation_failed. */
export function normalizePhoneNumber (phoneNumber: string, defaultCountry?: string, field = 'phone_number') {
  const e164 = toE164(phoneNumber, defaultCountry)
  if (e164 !== null) return e164
  const international = /^\s*(\+|00)/.test(phoneNumber)
  throw fail('validation_failed', international || defaultCountry !== undefined
    ? `body/${field} is not a possible phone number`
    : `body/${field} is not a possible phone number: include the country code (+<country code><number>)`)
}

// A lone UTF-16 surrogate is not Unicode: MySQL and Redis would store U+FFFD instead of what we answered.
const LONE_SURROGATE = /\p{Surrogate}/u
// Control characters and bidirectional overrides/isolates (SPEC §2): they let a name pose as another.
const FORBIDDEN = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u // eslint-disable-line no-control-regex
// Nothing a person would see: white space, format characters (zero-width, joiners, BOM) and default ignorables.
const INVISIBLE_ONLY = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u
export const NICKNAME_MAX_CHARACTERS = 30
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** A password is any Unicode scalar values: a lone surrogate would hash as U+FFFD, so two passwords would collide. */
export function requireWellFormedPassword (password: string, field = 'password') {
  if (LONE_SURROGATE.test(password)) throw fail('validation_failed', `body/${field} must be well-formed Unicode`)
}

/**
 * Trims a nickname; `null` and absent stay null. 1 to 30 characters as a person counts them (grapheme
 * clusters), no control or bidi-override characters, not invisible only.
 */
export function normalizeNickname (nickname: string | null | undefined) {
  if (nickname == null) return null
  if (LONE_SURROGATE.test(nickname)) throw fail('validation_failed', 'body/nickname must be well-formed Unicode')
  const trimmed = nickname.trim()
  if (FORBIDDEN.test(trimmed)) throw fail('validation_failed', 'body/nickname must not hold control or bidirectional-override characters')
  if (INVISIBLE_ONLY.test(trimmed)) throw fail('validation_failed', 'body/nickname must not be blank')
  // The schema bounds the code points, so counting every cluster is cheap.
  if ([...graphemes.segment(trimmed)].length > NICKNAME_MAX_CHARACTERS) {
    throw fail('validation_failed', `body/nickname must be at most ${NICKNAME_MAX_CHARACTERS} characters`)
  }
  return trimmed
}
