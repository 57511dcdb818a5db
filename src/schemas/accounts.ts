import { Type } from '@sinclair/typebox'
import { Nickname, Password, PhoneNumber } from './common.js'

export const RegisterBody = (passwordMinLength: number) => Type.Object({
  phone_number: PhoneNumber,
  password: Password(passwordMinLength),
  nickname: Type.Optional(Nickname)
})

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
