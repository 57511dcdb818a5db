// The client's wire types (client/src/types.ts, plain TypeScript so the package needs no typebox) against the
// server's TypeBox schemas: each pair must be the same type. `Same` demands assignability both ways and
// identity, so a dropped optional field or a widened literal (which mutual assignability alone lets through)
// also fails. Checked by `tsc --noEmit` (npm test) and by test/client-types.test.ts, which compiles this file
// again against deliberately changed schemas and expects each change to break a line here.
import type { Static, TProperties } from '@sinclair/typebox'
import type { ErrorName, Failure, Ok } from '../../src/schemas/envelope.js'
import type { User, UserFields } from '../../src/schemas/common.js'
import type {
  ChangePasswordBody, ChangePhoneBody, ExportData, LoginBody, LoginData, LogoutAllData, NicknameBody, RegisterBody, Session, SessionsData
} from '../../src/schemas/accounts.js'
import type { SecurityEvent } from '../../src/schemas/events.js'
import type { Checks, NotReady, ServiceInfo } from '../../src/schemas/service.js'
import type { PasswordResetBody, SmsCodeBody, SmsCodeData, SmsLoginBody, SmsPurpose } from '../../src/schemas/sms.js'
import type {
  DisableTwoFactorBody, EnableData, SecondFactorBody, SecondFactorRequired, SetupData, TotpCodeBody
} from '../../src/schemas/two-factor.js'
import type * as C from '../../client/src/types.js'

type Identical<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? Identical<A, B> : false : false
type Expect<T extends true> = T

/** What the server sends on success for a route whose data schema is `P`. */
type Wire<P extends TProperties> = Static<ReturnType<typeof Ok<P>>>

export type WireContract = [
  Expect<Same<C.ErrorName, ErrorName>>,
  Expect<Same<C.FailureBody, Static<typeof Failure>>>,
  Expect<Same<C.NotReadyBody, Static<typeof NotReady>>>,
  Expect<Same<C.SecondFactorRequiredBody, Static<typeof SecondFactorRequired>>>,
  Expect<Same<C.ReadinessChecks, Static<typeof Checks>>>,
  Expect<Same<C.UserData, Static<typeof User>>>,
  Expect<Same<C.SessionInfo, Static<typeof Session>>>,
  Expect<Same<C.SecurityEvent, Static<typeof SecurityEvent>>>,
  Expect<Same<C.SmsPurpose, Static<typeof SmsPurpose>>>,

  Expect<Same<C.RegisterInput, Static<ReturnType<typeof RegisterBody>>>>,
  Expect<Same<C.LoginInput, Static<ReturnType<typeof LoginBody>>>>,
  Expect<Same<C.UpdateUserInput, Static<typeof NicknameBody>>>,
  Expect<Same<C.ChangePasswordInput, Static<ReturnType<typeof ChangePasswordBody>>>>,
  Expect<Same<C.SmsCodeInput, Static<typeof SmsCodeBody>>>,
  Expect<Same<C.PasswordResetInput, Static<ReturnType<typeof PasswordResetBody>>>>,
  Expect<Same<C.SecondFactorInput, Static<typeof SecondFactorBody>>>,
  Expect<Same<C.EnableTwoFactorInput, Static<typeof TotpCodeBody>>>,
  Expect<Same<C.DisableTwoFactorInput, Static<typeof DisableTwoFactorBody>>>,
  Expect<Same<C.SmsLoginInput, Static<typeof SmsLoginBody>>>,
  Expect<Same<C.ChangePhoneInput, Static<typeof ChangePhoneBody>>>,

  Expect<Same<C.MessageReply, Wire<Record<never, never>>>>,
  Expect<Same<C.InfoReply, Wire<typeof ServiceInfo>>>,
  Expect<Same<C.RegisterReply, Wire<{ user: typeof User }>>>,
  Expect<Same<C.LoginReply, Wire<typeof LoginData>>>,
  Expect<Same<C.UserReply, Wire<typeof UserFields>>>,
  Expect<Same<C.UpdateUserReply, Wire<{ user: typeof User }>>>,
  Expect<Same<C.LogoutAllReply, Wire<typeof LogoutAllData>>>,
  Expect<Same<C.SessionsReply, Wire<typeof SessionsData>>>,
  Expect<Same<C.ReadyReply, Wire<{ checks: typeof Checks }>>>,
  Expect<Same<C.SmsCodeReply, Wire<typeof SmsCodeData>>>,
  Expect<Same<C.TwoFactorSetupReply, Wire<typeof SetupData>>>,
  Expect<Same<C.TwoFactorEnableReply, Wire<typeof EnableData>>>,
  Expect<Same<C.ChangePhoneReply, Wire<{ user: typeof User }>>>,
  Expect<Same<C.ExportReply, Wire<typeof ExportData>>>
]
