import { SesameError } from './errors.js'
import { memoryStorage, type TokenStorage } from './storage.js'
import { send, type CallOptions, type FetchFunction, type Request } from './transport.js'
import type {
  ChangePasswordInput, InfoReply, LoginInput, LoginReply, LogoutAllReply, MessageReply, PasswordResetInput,
  ReadyReply, RegisterInput, RegisterReply, SessionsReply, SmsCodeInput, SmsCodeReply, UpdateUserInput,
  UpdateUserReply, UserReply, SecondFactorInput, EnableTwoFactorInput, DisableTwoFactorInput, TwoFactorSetupReply,
  TwoFactorEnableReply, SmsLoginInput, SmsLoginReply, ChangePhoneInput, ChangePhoneReply, DeleteAccountInput, ExportReply
} from './types.js'

export interface SesameClientOptions {
  /** Where Sesame answers, e.g. `https://auth.example.com` (a path prefix is kept). */
  baseUrl: string
  /** Keeps the token; in memory by default. */
  storage?: TokenStorage
  /**
   * Called once when Sesame says the stored token is no longer valid (`code: 2`: expired, revoked,
   * logged in elsewhere), after the token has been cleared: show the login screen here.
   */
  onUnauthorized?: (error: SesameError) => void | Promise<void>
  /** Milliseconds each call may take, answer included (default 15 000; 0: no limit). */
  timeoutMs?: number
  /**
   * The device's language, sent as Accept-Language so that `message` is English or Simplified Chinese
   * (`zh-CN`); a function is asked on every call, so a language change in the app applies at once.
   */
  language?: string | (() => string | undefined)
  /** A fetch implementation; the global one by default. */
  fetch?: FetchFunction
}

export const DEFAULT_TIMEOUT_MS = 15_000

/** A client for every route of Sesame. The token goes out as `Authorization: Bearer <token>` on every call. */
export function createSesameClient (settings: SesameClientOptions) {
  const storage = settings.storage ?? memoryStorage()
  const baseUrl = settings.baseUrl.replace(/\/+$/, '')
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const fetchImpl = settings.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function call<T> (method: Request['method'], path: string, body: object | undefined, options: CallOptions = {}): Promise<T> {
    const token = await storage.get()
    try {
      const language = typeof settings.language === 'function' ? settings.language() : settings.language
      return await send<T>(fetchImpl, baseUrl, timeoutMs, { method, path, body, token, options, language })
    } catch (err) {
      // Only the call that loses the session reacts: a stale answer must not wipe a token from a newer login.
      if (err instanceof SesameError && err.code === 2 && token !== null && await storage.get() === token) {
        await storage.clear()
        await settings.onUnauthorized?.(err)
      }
      throw err
    }
  }

  return {
    /** `GET /`: service name and version. */
    info: (options?: CallOptions) => call<InfoReply>('GET', '/', undefined, options),
    /** `GET /health`: liveness. */
    health: (options?: CallOptions) => call<MessageReply>('GET', '/health', undefined, options),
    /** `GET /ready`: readiness; a 503 throws a `SesameError` whose `body.checks` says which dependency is down. */
    ready: (options?: CallOptions) => call<ReadyReply>('GET', '/ready', undefined, options),

    /** `POST /register`: creates a user; does not log in. */
    register: (input: RegisterInput, options?: CallOptions) => call<RegisterReply>('POST', '/register', input, options),
    /**
     * `POST /login`: stores the token it receives. Keep `device_token` and send it with the next login. With
     * two-factor login on it throws a `SesameError` whose `error` is `second_factor_required` and whose
     * `body.challenge` goes to `loginSecondFactor`.
     */
    async login (input: LoginInput, options?: CallOptions) {
      const reply = await call<LoginReply>('POST', '/login', input, options)
      await storage.set(reply.token)
      return reply
    },
    /** `POST /login/sms`: a code of purpose `login` instead of the password; stores the token like `login`. */
    async loginWithSms (input: SmsLoginInput, options?: CallOptions) {
      const reply = await call<SmsLoginReply>('POST', '/login/sms', input, options)
      await storage.set(reply.token)
      return reply
    },
    /** `POST /login/2fa`: the challenge and a TOTP or recovery code; stores the token like `login`. */
    async loginSecondFactor (input: SecondFactorInput, options?: CallOptions) {
      const reply = await call<LoginReply>('POST', '/login/2fa', input, options)
      await storage.set(reply.token)
      return reply
    },
    /** `POST /user/2fa/setup`: a TOTP secret and its `otpauth://` URL (show it as a QR code). */
    setUpTwoFactor: (options?: CallOptions) => call<TwoFactorSetupReply>('POST', '/user/2fa/setup', undefined, options),
    /** `POST /user/2fa/enable`: a first code turns two-factor login on; the 10 recovery codes are shown once. */
    enableTwoFactor: (input: EnableTwoFactorInput, options?: CallOptions) => call<TwoFactorEnableReply>('POST', '/user/2fa/enable', input, options),
    /** `POST /user/2fa/disable`: the password and a TOTP or recovery code. */
    disableTwoFactor: (input: DisableTwoFactorInput, options?: CallOptions) => call<MessageReply>('POST', '/user/2fa/disable', input, options),
    /** `POST /logout`: ends this session and forgets the token. */
    async logout (options?: CallOptions) {
      const reply = await call<MessageReply>('POST', '/logout', undefined, options)
      await storage.clear()
      return reply
    },
    /** `POST /logout/all`: ends every session of the user and forgets the token. */
    async logoutAll (options?: CallOptions) {
      const reply = await call<LogoutAllReply>('POST', '/logout/all', undefined, options)
      await storage.clear()
      return reply
    },

    /** `GET /user`: the logged-in user. */
    getUser: (options?: CallOptions) => call<UserReply>('GET', '/user', undefined, options),
    /** `PATCH /user`: changes the nickname (`null` removes it). */
    updateUser: (input: UpdateUserInput, options?: CallOptions) => call<UpdateUserReply>('PATCH', '/user', input, options),
    /** `POST /user/password`: every other session of the user ends; this one stays. */
    changePassword: (input: ChangePasswordInput, options?: CallOptions) =>
      call<MessageReply>('POST', '/user/password', input, options),

    /** `POST /user/phone`: the password and a `change_phone` code sent to the new number; every other session ends. */
    changePhone: (input: ChangePhoneInput, options?: CallOptions) => call<ChangePhoneReply>('POST', '/user/phone', input, options),
    /** `DELETE /user`: deletes the account (password or a `delete_account` code) and forgets the token. */
    async deleteAccount (input: DeleteAccountInput, options?: CallOptions) {
      const reply = await call<MessageReply>('DELETE', '/user', input, options)
      await storage.clear()
      return reply
    },
    /** `GET /user/export`: everything Sesame keeps about the user, as JSON. */
    exportData: (options?: CallOptions) => call<ExportReply>('GET', '/user/export', undefined, options),

    /** `GET /sessions`: the user's live sessions; `current` marks this one. */
    listSessions: (options?: CallOptions) => call<SessionsReply>('GET', '/sessions', undefined, options),
    /** `DELETE /sessions/:id`: ends one session (ending the current one is a logout: the next call gets `code: 2`). */
    endSession: (id: string, options?: CallOptions) =>
      call<MessageReply>('DELETE', `/sessions/${encodeURIComponent(id)}`, undefined, options),

    /** `POST /sms/code`: sends a one-time code by SMS; `retry_after` says when another may be asked for. */
    requestSmsCode: (input: SmsCodeInput, options?: CallOptions) => call<SmsCodeReply>('POST', '/sms/code', input, options),
    /** `POST /password/reset`: sets a new password with an SMS code; every session of the user ends. */
    resetPassword: (input: PasswordResetInput, options?: CallOptions) =>
      call<MessageReply>('POST', '/password/reset', input, options),

    /** The stored token, or null when logged out. */
    getToken: async () => await storage.get(),
    /** Forgets the token without asking the server (e.g. when logout cannot reach it). */
    clearToken: async () => { await storage.clear() }
  }
}

export type SesameClient = ReturnType<typeof createSesameClient>
