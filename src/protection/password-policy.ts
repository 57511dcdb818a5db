import { fail } from '../http/errors.js'
import { isCommonPassword } from './common-passwords.js'
import { createBreachCheck, type BreachSettings } from './breached-passwords.js'

/** SPEC §13: a new password (register, change, reset) is neither common nor breached. */
export function createPasswordPolicy (settings: BreachSettings, log?: { warn: (obj: object, msg: string) => void }) {
  const isBreached = createBreachCheck(settings, log)
  return {
    async assertAllowed (password: string) {
      if (isCommonPassword(password)) throw fail('password_too_common')
      if (await isBreached(password)) throw fail('password_too_common')
    }
  }
}

export type PasswordPolicy = ReturnType<typeof createPasswordPolicy>
