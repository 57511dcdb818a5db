import type { FastifyBaseLogger } from 'fastify'
import type { LoginFailureCounter } from '../limits/login-failures.js'
import type { PasswordHasher } from '../passwords/hasher.js'
import type { SmsCodes } from '../sms/codes.js'
import type { SessionStore } from '../sessions/store.js'
import type { UsersRepository } from '../users/repository.js'
import type { PasswordPolicy } from '../protection/password-policy.js'
import type { DeviceTokens } from '../protection/devices.js'
import type { TwoFactor } from '../two-factor/index.js'
import type { SmsGuard } from '../sms/guard.js'
import type { SmsNotices } from '../sms/notices.js'
import type { PhoneCache } from '../sessions/phone-change.js'
import type { NumberKeys } from './number-keys.js'
import type { Events } from '../events/index.js'

/** What the account operations need. */
export interface AccountDeps {
  users: UsersRepository
  passwords: PasswordHasher
  sessions: SessionStore
  loginFailures: LoginFailureCounter
  smsCodes: SmsCodes
  passwordPolicy: PasswordPolicy
  smsGuard: SmsGuard
  devices: DeviceTokens
  twoFactor: Pick<TwoFactor, 'startSessionOrChallenge'>
  log: FastifyBaseLogger
  /** Security events (SPEC §14): written with the change they record. */
  events: Events
  /** LOGIN_MAX_FAILURES: the failure that reaches it is also a login.locked event. */
  maxLoginFailures: number
  /** SPEC §2: national phone numbers are read for this country (ISO 3166 alpha-2); unset, only international input. */
  defaultCountry?: string
  smsLoginRegisters?: boolean
  /** Deletes every Redis key of a user. */
  eraseUser: (userId: number) => Promise<number>
  /** The Redis half of a phone change: the cached user's number and the end of every other session, atomically. */
  phoneCache: PhoneCache
  /** Moves the keys built from a phone number (failed-login count, known devices, codes) to the new number. */
  numberKeys: NumberKeys
  smsNotices: SmsNotices
}
