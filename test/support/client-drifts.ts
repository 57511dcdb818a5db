// Deliberate changes to the server's schemas for test/client-types.test.ts: each must break the wire check
// (test/types/client-wire.ts) at the lines named in `at`.

export interface Drift {
  name: string
  file: string
  from: string | RegExp
  to: string
  /** Each of these must appear on a line of client-wire.ts that no longer compiles: the types that must follow. */
  at: string[]
}

export const DRIFTS: Drift[] = [
  {
    name: 'the login reply renames token',
    file: 'src/schemas/accounts.ts',
    from: /^ {2}token: Type\.String\(/m,
    to: '  access_token: Type.String(',
    at: ['C.LoginReply,']
  },
  {
    name: 'user ids become strings',
    file: 'src/schemas/common.ts',
    from: 'UserId = Type.Integer(',
    to: 'UserId = Type.String(',
    at: ['C.UserData,', 'C.RegisterReply,', 'C.UserReply,', 'C.UpdateUserReply,', 'C.ChangePhoneReply,', 'C.ExportReply,']
  },
  {
    name: 'register needs a new field',
    file: 'src/schemas/accounts.ts',
    from: 'password: Password(passwordMinLength),\n  nickname:',
    to: 'password: Password(passwordMinLength),\n  country: Type.String(),\n  nickname:',
    at: ['C.RegisterInput,']
  },
  {
    name: 'sessions lose current',
    file: 'src/schemas/accounts.ts',
    from: /,\s*current: Type\.Boolean\([^)]*\)/,
    to: '',
    at: ['C.SessionInfo,', 'C.SessionsReply,']
  },
  {
    // Mutual assignability alone would let this through: {a?: string} and {} are assignable both ways.
    name: 'register loses an optional field',
    file: 'src/schemas/accounts.ts',
    from: 'nickname: Type.Optional(Nickname),\n  sms_code: Type.Optional(SmsCode)\n',
    to: 'nickname: Type.Optional(Nickname)\n',
    at: ['C.RegisterInput,']
  },
  {
    name: 'an error name disappears',
    file: 'src/http/errors.ts',
    from: "  phone_taken: { status: 409, code: 0, message: 'this phone number is already registered' },\n",
    to: '',
    at: ['C.ErrorName,', 'C.FailureBody,']
  },
  {
    name: 'an SMS purpose is added',
    file: 'src/schemas/sms.ts',
    from: "'change_phone', 'delete_account'",
    to: "'change_phone', 'delete_account', 'signup'",
    at: ['C.SmsPurpose,', 'C.SmsCodeInput,']
  },
  {
    name: 'the nickname body changes type',
    file: 'src/schemas/accounts.ts',
    from: 'nickname: Type.Optional(Nickname)\n})',
    to: 'nickname: Type.Number()\n})',
    at: ['C.UpdateUserInput,']
  },
  {
    name: 'the success code widens to any integer',
    file: 'src/schemas/envelope.ts',
    from: 'Type.Object({ code: IntegerEnum([1]), message',
    to: 'Type.Object({ code: Type.Integer(), message',
    at: ['C.MessageReply,', 'C.LoginReply,', 'C.ExportReply,']
  }
]
