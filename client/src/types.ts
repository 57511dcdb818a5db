// The wire types of Sesame's API (docs/API.md), written as plain TypeScript so the published package needs
// nothing at install time and stays strict without @sinclair/typebox. They are not free to drift: the
// server's TypeBox schemas are compared with them type by type in test/types/client-wire.ts (exact equality,
// checked by `tsc --noEmit` and by test/client-types.test.ts against deliberately changed schemas).

/** The success envelope `{code: 1, message, ...data}` of a route whose data is `D`, as one flat object type. */
export type Reply<D extends object = Record<never, never>> = Flat<{ code: 1, message: string } & D>
type Flat<T> = { [K in keyof T]: T[K] }

/** The stable machine-readable reason of a failure (docs/API.md §1); `message` is for people. */
export type ErrorName =
  | 'validation_failed' | 'invalid_json' | 'payload_too_large' | 'unsupported_media_type' | 'not_found'
  | 'method_not_allowed' | 'invalid_credentials' | 'phone_taken' | 'token_required' | 'token_invalid'
  | 'wrong_password' | 'rate_limited' | 'sms_code_invalid' | 'service_unavailable' | 'internal_error'
  | 'request_timeout' | 'password_too_common' | 'sms_not_allowed' | 'challenge_failed' | 'second_factor_required'
  | 'second_factor_invalid' | 'account_banned' | 'service_key_invalid'

/** The failure envelope: `code` 0 (the request failed) or 2 (the token is not valid, log in again). */
export interface FailureBody { code: 0 | 2, error: ErrorName, message: string }

export type CheckResult = 'ok' | 'down'
export interface ReadinessChecks { mysql: CheckResult, redis: CheckResult }
/** The 503 of `GET /ready`: the failure envelope with the dependency checks. */
export interface NotReadyBody { code: 0, error: ErrorName, message: string, checks: ReadinessChecks }
/** The body of a 401 from a login; with `error: 'second_factor_required'` it carries the `challenge`. */
export interface SecondFactorRequiredBody { code: 0 | 2, error: ErrorName, message: string, challenge?: string }

/** `{id, phone_number, nickname, register_time}`; `phone_number` is E.164, `register_time` ISO 8601. */
export interface UserData { id: number, phone_number: string, nickname: string | null, register_time: string }

export interface SessionInfo {
  id: string
  created_at: string
  last_seen_at: string
  ip: string
  user_agent: string
  device_name: string | null
  app_version: string | null
  /** true for the session of the token that asked */
  current: boolean
}

/** A security event of `GET /user/export` (docs/API.md §14). */
export interface SecurityEvent {
  id: number
  type: string
  user_id: number | null
  at: string
  ip: string | null
  user_agent: string | null
  data: Record<string, unknown>
}

export type SmsPurpose = 'register' | 'reset_password' | 'login' | 'change_phone' | 'delete_account'

export interface RegisterInput { phone_number: string, password: string, nickname?: string | null, sms_code?: string }
export interface LoginInput {
  phone_number: string
  password: string
  /** the device_token of an earlier login on this device */
  device_token?: string
  /** shown in GET /sessions, e.g. "Ana's iPhone" */
  device_name?: string
  app_version?: string
}
export interface UpdateUserInput { nickname?: string | null }
export interface ChangePasswordInput { old_password: string, new_password: string }
export interface SmsCodeInput { phone_number?: string, purpose: SmsPurpose, challenge_token?: string }
export interface PasswordResetInput { phone_number: string, sms_code: string, new_password: string }

export type MessageReply = Reply
export type InfoReply = Reply<{ name: string, version: string }>
export type RegisterReply = Reply<{ user: UserData }>
export interface LoginData {
  nickname: string | null
  /** send it as the token header, or Authorization: Bearer (the client does) */
  token: string
  /** seconds the session lives */
  expires_in: number
  /** keep it and send it with the next login from this device (valid 180 days) */
  device_token: string
}
export type LoginReply = Reply<LoginData>
export type UserReply = Reply<UserData>
export type UpdateUserReply = Reply<{ user: UserData }>
export type LogoutAllReply = Reply<{ revoked: number }>
export type SessionsReply = Reply<{ sessions: SessionInfo[] }>
export type ReadyReply = Reply<{ checks: ReadinessChecks }>
export type SmsCodeReply = Reply<{ retry_after: number }>

export interface SecondFactorInput { challenge: string, code: string, device_name?: string, app_version?: string }
export interface EnableTwoFactorInput { code: string }
export interface DisableTwoFactorInput { password: string, code: string }
export type TwoFactorSetupReply = Reply<{ secret: string, otpauth_url: string }>
export type TwoFactorEnableReply = Reply<{ recovery_codes: string[] }>

export interface SmsLoginInput { phone_number: string, sms_code: string, device_token?: string }
/** `POST /login/sms`: the /login reply; with SMS_LOGIN_REGISTERS a new number is registered (`registered: true`). */
export type SmsLoginReply = Reply<LoginData & { registered?: true }>
export interface ChangePhoneInput { new_phone_number: string, sms_code: string, password: string }
export type ChangePhoneReply = Reply<{ user: UserData }>
/** `DELETE /user`: the password, or a code of purpose delete_account. */
export type DeleteAccountInput = { password: string, sms_code?: never } | { sms_code: string, password?: never }
export interface ExportData { user: UserData, sessions: SessionInfo[], events: SecurityEvent[] }
export type ExportReply = Reply<{ export: ExportData }>
