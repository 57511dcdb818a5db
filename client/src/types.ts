// Every type here is derived from the server's TypeBox schemas, so the client cannot drift from the API.
// The imports are type-only: they vanish from the emitted JavaScript.
import type { Static, TProperties } from '@sinclair/typebox'
import type { ErrorName, Failure, Ok } from '../../src/schemas/envelope.js'
import type { User } from '../../src/schemas/common.js'
import type {
  ChangePasswordBody, ChangePhoneBody, ExportData, LoginBody, LoginData, LogoutAllData, NicknameBody, RegisterBody, Session, SessionsData
} from '../../src/schemas/accounts.js'
import type { Checks, NotReady, ServiceInfo } from '../../src/schemas/service.js'
import type { PasswordResetBody, SmsCodeBody, SmsCodeData, SmsLoginBody, SmsCode } from '../../src/schemas/sms.js'
import type {
  DisableTwoFactorBody, EnableData, SecondFactorBody, SecondFactorRequired, SetupData, TotpCodeBody
} from '../../src/schemas/two-factor.js'

/** The success envelope `{code: 1, message, ...data}` of a route whose data schema is `P`. */
export type Reply<P extends TProperties> = Static<ReturnType<typeof Ok<P>>>

export type { ErrorName }
export type FailureBody = Static<typeof Failure>
export type NotReadyBody = Static<typeof NotReady>

export type UserData = Static<typeof User>
export type SessionInfo = Static<typeof Session>
export type ReadinessChecks = Static<typeof Checks>

export type RegisterInput = Static<ReturnType<typeof RegisterBody>>
export type LoginInput = Static<ReturnType<typeof LoginBody>>
export type UpdateUserInput = Static<typeof NicknameBody>
export type ChangePasswordInput = Static<ReturnType<typeof ChangePasswordBody>>
export type SmsCodeInput = Static<typeof SmsCodeBody>
export type PasswordResetInput = Static<ReturnType<typeof PasswordResetBody>>

export type MessageReply = Reply<Record<never, never>>
export type InfoReply = Reply<typeof ServiceInfo>
export type RegisterReply = Reply<{ user: typeof User }>
export type LoginReply = Reply<typeof LoginData>
export type UserReply = Reply<typeof User.properties>
export type UpdateUserReply = Reply<{ user: typeof User }>
export type LogoutAllReply = Reply<typeof LogoutAllData>
export type SessionsReply = Reply<typeof SessionsData>
export type ReadyReply = Reply<{ checks: typeof Checks }>
export type SmsCodeReply = Reply<typeof SmsCodeData>

export type SecondFactorInput = Static<typeof SecondFactorBody>
export type EnableTwoFactorInput = Static<typeof TotpCodeBody>
export type DisableTwoFactorInput = Static<typeof DisableTwoFactorBody>
/** The body of a 401 from a login; with `error: 'second_factor_required'` it carries the `challenge`. */
export type SecondFactorRequiredBody = Static<typeof SecondFactorRequired>
export type TwoFactorSetupReply = Reply<typeof SetupData>
export type TwoFactorEnableReply = Reply<typeof EnableData>

export type SmsLoginInput = Static<typeof SmsLoginBody>
/** `POST /login/sms`: the /login reply; with SMS_LOGIN_REGISTERS a new number is registered (`registered: true`). */
export type SmsLoginReply = LoginReply & { registered?: true }
export type ChangePhoneInput = Static<typeof ChangePhoneBody>
export type ChangePhoneReply = Reply<{ user: typeof User }>
/** `DELETE /user`: the password, or a code of purpose delete_account. */
export type DeleteAccountInput = { password: string, sms_code?: never } | { sms_code: Static<typeof SmsCode>, password?: never }
export type ExportReply = Reply<typeof ExportData>
