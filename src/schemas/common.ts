import { Type } from '@sinclair/typebox'
import { ref } from './kinds.js'

// The form is checked by libphonenumber (src/accounts/input.ts), not by a pattern: spaces, dashes, `00` and national input are fine.
export const PhoneNumber = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'a phone number: +<country code><number> (E.164, spaces and dashes allowed), 00<country code><number>, or national when DEFAULT_COUNTRY is set; replies carry E.164',
  examples: ['+8613800138000']
})

export const Password = (minLength: number) => Type.String({
  minLength,
  maxLength: 128,
  description: `${minLength} to 128 characters, any Unicode`
})

/**
 * 1 to 30 characters (grapheme clusters) once trimmed, or null. The schema only bounds the size; the
 * rules people see (clusters, no control/bidi characters, not blank or invisible) are in accounts/input.ts.
 */
export const Nickname = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  maxLength: 512,
  description: '1 to 30 characters (as a person counts them) after trimming, any Unicode (no control or bidi-override characters), or null',
  examples: ['小明 🚀']
})

export const IsoTime = Type.String({ format: 'date-time', examples: ['2026-11-25T16:43:17.000Z'] })

export const UserId = Type.Integer({ minimum: 1 })

/** The user's fields; GET /user returns them at the top level of its reply (docs/API.md §2). */
export const UserFields = {
  id: UserId,
  phone_number: Type.String({ description: 'E.164' }),
  nickname: Type.Union([Type.String(), Type.Null()]),
  register_time: IsoTime
}

export const UserSchema = Type.Object(UserFields, { $id: 'User', title: 'User' })

/** `{id, phone_number, nickname, register_time}`: a component of the OpenAPI document, referenced where a reply has a `user`. */
export const User = ref(UserSchema)
