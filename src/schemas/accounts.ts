import { Type } from '@sinclair/typebox'
import { ref } from './kinds.js'
import { IsoTime, Nickname, Password, PhoneNumber, User } from './common.js'
import { SmsCode } from './sms.js'
import { SecurityEvent } from './events.js'

export const RegisterBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  password: Password(passwordMinLength),
  nickname: Type.Optional(Nickname),
  sms_code: Type.Optional(SmsCode)
})

/** PHONE_VERIFICATION=required: the same body with `sms_code` mandatory, so a missing code is 400 validation_failed. */
export const VerifiedRegisterBody = (passwordMinLength: number) =>
  Type.Object({ ...RegisterBody(passwordMinLength).properties, sms_code: SmsCode })

/** Optional fields every login body may carry: the known-device token (SPEC §4) and how the session is shown (§13). */
export const LoginClientFields = {
  device_token: Type.Optional(Type.String({ maxLength: 64, description: 'the device_token of an earlier login on this device' })),
  device_name: Type.Optional(Type.String({ maxLength: 64, description: "shown in GET /sessions, e.g. \"Ana's iPhone\"" })),
  app_version: Type.Optional(Type.String({ maxLength: 32 }))
}

export const LoginBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  password: Password(passwordMinLength),
  ...LoginClientFields
})

export const NicknameBody = Type.Object({
  nickname: Type.Optional(Nickname)
})

export const ChangePasswordBody = (passwordMinLength: number) => Type.Object({
  old_password: Type.String({ minLength: 1, maxLength: 128 }),
  new_password: Password(passwordMinLength)
})

/** POST /user/phone (SPEC §10): the code is one of purpose change_phone, sent to the new number. */
export const ChangePhoneBody = Type.Object({
  new_phone_number: PhoneNumber,
  sms_code: SmsCode,
  password: Type.String({ minLength: 1, maxLength: 128, description: 'the current password' })
})

/** Routes behind the auth hook: the token header or a bearer token. */
export const TOKEN_SECURITY: Array<Record<string, string[]>> = [{ token: [] }, { bearer: [] }]

/** Fields of the POST /login reply besides code and message. */
export const LoginData = {
  nickname: Type.Union([Type.String(), Type.Null()]),
  token: Type.String({ description: 'Send it as the token header, or Authorization: Bearer' }),
  expires_in: Type.Integer({ description: 'seconds the session lives' }),
  device_token: Type.String({ description: 'keep it and send it with the next login from this device (valid 180 days)' })
}

/** A session as GET /sessions shows it; the admin lookup shows the same fields without `current`. */
export const SessionFields = {
  id: Type.String(),
  created_at: IsoTime,
  last_seen_at: IsoTime,
  ip: Type.String(),
  user_agent: Type.String(),
  device_name: Type.Union([Type.String(), Type.Null()]),
  app_version: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: 'true for the session of the token that asked' })
}

export const SessionSchema = Type.Object(SessionFields, { $id: 'Session', title: 'Session' })

export const Session = ref(SessionSchema)

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) })

export const LogoutAllData = { revoked: Type.Integer({ description: 'how many sessions ended, this one included' }) }

export const SessionsData = { sessions: Type.Array(Session) }

/** GET /user/export (SPEC §10): everything Sesame keeps about the user, no secret in it. */
export const ExportData = {
  export: Type.Object({ user: User, sessions: SessionsData.sessions, events: Type.Array(SecurityEvent) })
}
