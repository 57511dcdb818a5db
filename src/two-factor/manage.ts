import { fail } from '../http/errors.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import type { PasswordHasher } from '../passwords/hasher.js'
import type { SessionUser } from '../sessions/store.js'
import { checkSecondFactor, type LoginDeps } from './login.js'
import { newRecoveryCode, newTotpSecret, otpauthUrl, recoveryCodeHash, totpStep } from './totp.js'
import { stamp, type EventContext } from '../events/types.js'

export const RECOVERY_CODE_COUNT = 10

export interface ManageDeps extends Pick<LoginDeps, 'twoFactor' | 'loginFailures' | 'users' | 'events'> {
  passwords: PasswordHasher
}

/** POST /user/2fa/setup: a new secret, off until a code from it arrives at /user/2fa/enable. */
export async function setUp (deps: ManageDeps, user: SessionUser) {
  if ((await deps.twoFactor.find(user.id))?.enabled === true) {
    throw fail('validation_failed', 'two-factor login is already on; turn it off first to set up a new authenticator')
  }
  const secret = newTotpSecret()
  await deps.twoFactor.setPending(user.id, secret)
  return { secret, otpauthUrl: otpauthUrl(secret, user.phoneNumber) }
}

/** POST /user/2fa/enable: the first code proves the app holds the secret; the recovery codes are shown once. */
export async function enable (deps: ManageDeps, user: SessionUser, code: string, context: EventContext = {}) {
  const totp = await deps.twoFactor.find(user.id)
  if (totp === null) throw fail('validation_failed', 'call POST /user/2fa/setup first')
  if (totp.enabled) throw fail('validation_failed', 'two-factor login is already on')
  const step = await totpStep(totp.secret, code.trim())
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  const event = stamp({ type: '2fa.enabled', userId: user.id, context })
  if (step === null || !await deps.twoFactor.enable(user.id, step, recoveryCodes.map(recoveryCodeHash), (conn) => deps.events.insert(conn, event))) {
    throw fail('second_factor_invalid')
  }
  return { recoveryCodes }
}

/** POST /user/2fa/disable: the password and a code, each failure on the number's budget (SPEC §4). */
export async function disable (deps: ManageDeps, user: SessionUser, input: { password: string, code: string }, context: EventContext = {}) {
  await verifyCurrentPassword(deps, user, input.password)
  const totp = await deps.twoFactor.find(user.id)
  if (totp?.enabled !== true) throw fail('validation_failed', 'two-factor login is not on')
  const passed = await deps.loginFailures.check(user.phoneNumber, undefined, async () =>
    await checkSecondFactor(deps, user.id, totp.secret, input.code.trim()), { clears: false })
  if (!passed) throw fail('second_factor_invalid')
  await deps.events.write(({ conn }) => deps.twoFactor.disable(conn, user.id), () => [{ type: '2fa.disabled', userId: user.id, context }])
}
