import { Type } from '@sinclair/typebox'
import { IsoTime, Nickname, Password, PhoneNumber } from './common.js'
import { SmsCode } from './sms.js'

export const RegisterBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  password: Password(passwordMinLength),
  nickname: Type.Optional(Nickname),
  sms_code: Type.Optional(SmsCode)
})

/** PHONE_VERIFICATION=required: the same body with `sms_code` mandatory, so a missing code is 400 validation_failed. */
export const VerifiedRegisterBody = (passwordMinLength: number) =>
  Type.Object({ ...RegisterBody(passwordMinLength).properties, sms_code: SmsCode })

export const LoginBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  password: Password(passwordMinLength)
})

export const NicknameBody = Type.Object({
  nickname: Type.Optional(Nickname)
})

export const ChangePasswordBody = (passwordMinLength: number) => Type.Object({
  old_password: Type.String({ minLength: 1, maxLength: 128 }),
  new_password: Password(passwordMinLength)
})

/** Routes behind the auth hook: the token header or a bearer token. */
export const TOKEN_SECURITY: Array<Record<string, string[]>> = [{ token: [] }, { bearer: [] }]

/** Fields of the POST /login reply besides code and message. */
export const LoginData = {
  nickname: Type.Union([Type.String(), Type.Null()]),
  token: Type.String({ description: 'Send it as the token header, or Authorization: Bearer' }),
  expires_in: Type.Integer({ description: 'seconds the session lives' })
}

export const Session = Type.Object({
  id: Type.String(),
  created_at: IsoTime,
  user_agent: Type.String(),
  current: Type.Boolean({ description: 'true for the session of the token that asked' })
}, { title: 'Session' })

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

export const LogoutAllData = { revoked: Type.Integer({ description: 'how many sessions ended, this one included' }) }

export const SessionsData = { sessions: Type.Array(Session) }
