// Type-level contract of the client, checked by `tsc --noEmit` (npm test) and by test/client-types.test.ts,
// which compiles it again against deliberately changed server schemas. The expected shapes are written
// from SPEC §2 and §9 on purpose: when a server schema changes, this file stops compiling.
import type {
  ChangePasswordInput, ErrorName, FailureBody, InfoReply, LoginInput, LoginReply, LogoutAllReply, MessageReply,
  PasswordResetInput, ReadyReply, RegisterInput, RegisterReply, SesameClient, SesameError, SessionsReply, SmsCodeInput,
  SmsCodeReply, UpdateUserInput, UpdateUserReply, UserReply, ChangePhoneInput, ChangePhoneReply, SmsLoginInput
} from '../../client/src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

interface UserShape { id: number, phone_number: string, nickname: string | null, register_time: string }
type Envelope<Data> = { code: 1, message: string } & Data
type Flat<T> = { [K in keyof T]: T[K] }

export type Contract = [
  Expect<Equal<InfoReply, Flat<Envelope<{ name: string, version: string }>>>>,
  Expect<Equal<RegisterInput, { phone_number: string, password: string, nickname?: string | null, sms_code?: string }>>,
  Expect<Equal<RegisterReply, Flat<Envelope<{ user: UserShape }>>>>,
  Expect<Equal<LoginInput, { phone_number: string, password: string, device_token?: string, device_name?: string, app_version?: string }>>,
  Expect<Equal<LoginReply, Flat<Envelope<{ nickname: string | null, token: string, expires_in: number, device_token: string }>>>>,
  Expect<Equal<UserReply, Flat<Envelope<UserShape>>>>,
  Expect<Equal<UpdateUserInput, { nickname?: string | null }>>,
  Expect<Equal<UpdateUserReply, Flat<Envelope<{ user: UserShape }>>>>,
  Expect<Equal<ChangePasswordInput, { old_password: string, new_password: string }>>,
  Expect<Equal<MessageReply, { code: 1, message: string }>>,
  Expect<Equal<LogoutAllReply, Flat<Envelope<{ revoked: number }>>>>,
  Expect<Equal<SessionsReply, Flat<Envelope<{ sessions: Array<{ id: string, created_at: string, last_seen_at: string, ip: string, user_agent: string, device_name: string | null, app_version: string | null, current: boolean }> }>>>>,
  Expect<Equal<ReadyReply, Flat<Envelope<{ checks: { mysql: 'ok' | 'down', redis: 'ok' | 'down' } }>>>>,
  Expect<Equal<SmsCodeInput, { phone_number?: string, purpose: 'register' | 'reset_password' | 'login' | 'change_phone' | 'delete_account', challenge_token?: string }>>,
  Expect<Equal<SmsCodeReply, Flat<Envelope<{ retry_after: number }>>>>,
  Expect<Equal<PasswordResetInput, { phone_number: string, sms_code: string, new_password: string }>>,
  Expect<Equal<FailureBody, { code: 0 | 2, error: ErrorName, message: string }>>,
  Expect<Equal<ErrorName,
    | 'validation_failed' | 'invalid_json' | 'payload_too_large' | 'unsupported_media_type' | 'not_found'
    | 'method_not_allowed' | 'invalid_credentials' | 'phone_taken' | 'token_required' | 'token_invalid'
    | 'wrong_password' | 'rate_limited' | 'sms_code_invalid' | 'service_unavailable' | 'internal_error'
    | 'request_timeout' | 'password_too_common' | 'sms_not_allowed' | 'challenge_failed' | 'second_factor_required'
    | 'second_factor_invalid' | 'account_banned' | 'service_key_invalid'>>,
  Expect<Equal<ChangePhoneInput, { new_phone_number: string, sms_code: string, password: string }>>,
  Expect<Equal<ChangePhoneReply, Flat<Envelope<{ user: UserShape }>>>>,
  Expect<Equal<SmsLoginInput, { phone_number: string, sms_code: string, device_token?: string }>>,
  Expect<Equal<SesameError['code'], 0 | 2>>,
  Expect<Equal<SesameError['retryAfter'], number | undefined>>
]

/** Calls an app would write; never run, only compiled. */
export async function usage (client: SesameClient) {
  await client.register({ phone_number: '+8613800138000', password: 'long enough', nickname: '小明' })
  // @ts-expect-error the password is required
  await client.register({ phone_number: '+8613800138000' })
  // @ts-expect-error a nickname is a string or null
  await client.updateUser({ nickname: 42 })
  // @ts-expect-error purpose is one of the five of SPEC §9
  await client.requestSmsCode({ phone_number: '+8613800138000', purpose: 'signup' })
  const { token, expires_in: expiresIn } = await client.login({ phone_number: '+8613800138000', password: 'long enough' })
  const user = await client.getUser({ timeoutMs: 1000, signal: new AbortController().signal })
  // @ts-expect-error the user id is a number
  const id: string = user.id
  return { token, expiresIn, id }
}
