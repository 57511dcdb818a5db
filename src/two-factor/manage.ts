import { fail } from '../http/errors.js'
import { verifyCurrentPassword } from '../passwords/current-password.js'
import type { PasswordHasher } from '../passwords/hasher.js'
import type { SessionUser } from '../sessions/store.js'
import { checkSecondFactor, type LoginDeps } from './login.js'
import { newRecoveryCode, newTotpSecret, otpauthUrl, recoveryCodeHash, totpStep } from './totp.js'

export const RECOVERY_CODE_COUNT = 10

export interface ManageDeps extends Pick<LoginDeps, 'twoFactor' | 'loginFailures' | 'users'> {
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
export async function enable (deps: ManageDeps, user: SessionUser, code: string) {
  const totp = await deps.twoFactor.find(user.id)
  if (totp === null) throw fail('validation_failed', 'call POST /user/2fa/setup first')
  if (totp.enabled) throw fail('validation_failed', 'two-factor login is already on')
  const step = await totpStep(totp.secret, code.trim())
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  if (step === null || !await deps.twoFactor.enable(user.id, step, recoveryCodes.map(recoveryCodeHash))) {
    throw fail('second_factor_invalid')
  }
  return { recoveryCodes }
}

/** POST /user/2fa/disable: the password and a code, each failure on the number's budget (SPEC §4). */
export async function disable (deps: ManageDeps, user: SessionUser, input: { password: string, code: string }) {
  await verifyCurrentPassword(deps, user, input.password)
  const totp = await deps.twoFactor.find(user.id)
  if (totp?.enabled !== true) throw fail('validation_failed', 'two-factor login is not on')
  const passed = await deps.loginFailures.check(user.phoneNumber, undefined, async () =>
    await checkSecondFactor(deps, user.id, totp.secret, input.code.trim()), false)
  if (!passed) throw fail('second_factor_invalid')
  await deps.twoFactor.disable(user.id)
}
