import { Type } from '@sinclair/typebox'
import { Password, PhoneNumber } from './common.js'
import { StringEnum } from './kinds.js'

// SPEC §9: phone verification by one-time SMS code, and password reset.

// change_phone and delete_account need the token header (SPEC §9).
export const SmsPurpose = StringEnum(['register', 'reset_password', 'login', 'change_phone', 'delete_account'])

/** A wrongly shaped code is treated like a wrong one (400 sms_code_invalid), so only the length is checked here. */
export const SmsCode = Type.String({ minLength: 1, maxLength: 32, description: 'the 6-digit code from the SMS' })

/** phone_number may be left out only for delete_account, whose code goes to the account's own number. */
export const SmsCodeBody = Type.Object({
  phone_number: Type.Optional(PhoneNumber),
  purpose: SmsPurpose,
  challenge_token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'required when SMS_CHALLENGE_URL is set: the answer the operator\'s verifier checks (captcha, App Attest, Play Integrity)' }))
})

export const SmsLoginBody = Type.Object({ phone_number: PhoneNumber, sms_code: SmsCode, device_token: Type.Optional(Type.String({ maxLength: 128 })) })

export const SmsCodeData = {
  retry_after: Type.Integer({ description: 'whole seconds until another code may be asked for' })
}

export const PasswordResetBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  sms_code: SmsCode,
  new_password: Password(passwordMinLength)
})
