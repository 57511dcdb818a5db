import { Type } from '@sinclair/typebox'
import { Password, PhoneNumber } from './common.js'

// SPEC §9: phone verification by one-time SMS code, and password reset.

export const SmsPurpose = Type.Union([Type.Literal('register'), Type.Literal('reset_password')])

/** A wrongly shaped code is treated like a wrong one (400 sms_code_invalid), so only the length is checked here. */
export const SmsCode = Type.String({ minLength: 1, maxLength: 32, description: 'the 6-digit code from the SMS' })

export const SmsCodeBody = Type.Object({
  phone_number: PhoneNumber,
  purpose: SmsPurpose,
  challenge_token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'required when SMS_CHALLENGE_URL is set: the answer the operator\'s verifier checks (captcha, App Attest, Play Integrity)' }))
})

export const SmsCodeData = {
  retry_after: Type.Integer({ description: 'whole seconds until another code may be asked for' })
}

export const PasswordResetBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  sms_code: SmsCode,
  new_password: Password(passwordMinLength)
})
