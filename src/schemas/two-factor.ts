import { Type } from '@sinclair/typebox'
import { FailureFields } from './envelope.js'
import { ref } from './kinds.js'
import { LoginClientFields } from './accounts.js'

/** A 6-digit TOTP code, or a recovery code (`xxxx-xxxx-xxxx-xxxx`) where the routes accept one. */
export const SecondFactorCode = Type.String({ minLength: 6, maxLength: 32, description: 'a 6-digit code from the authenticator app, or a recovery code' })

export const TotpCodeBody = Type.Object({ code: Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' }) })

export const DisableTwoFactorBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 128 }),
  code: SecondFactorCode
})

export const SecondFactorBody = Type.Object({
  challenge: Type.String({ minLength: 1, maxLength: 64, description: 'from the 401 second_factor_required reply of the login' }),
  code: SecondFactorCode,
  device_name: LoginClientFields.device_name,
  app_version: LoginClientFields.app_version
})

export const SetupData = {
  secret: Type.String({ description: 'base32 TOTP secret (SHA-1, 6 digits, 30 s)' }),
  otpauth_url: Type.String({ description: 'otpauth://totp/… URL for a QR code' })
}

export const EnableData = {
  recovery_codes: Type.Array(Type.String(), { description: '10 single-use codes, shown this once' })
}

/** The 401 of a login whose password was right but whose account has two-factor login on (or any other 401). */
export const SecondFactorRequiredSchema = Type.Object({
  ...FailureFields,
  challenge: Type.Optional(Type.String({ description: 'with second_factor_required: send it to POST /login/2fa within 5 minutes' }))
}, { $id: 'SecondFactorRequired', title: 'SecondFactorRequired' })

export const SecondFactorRequired = ref(SecondFactorRequiredSchema)
