import { randomBytes } from 'node:crypto'
import { AppError, fail } from '../http/errors.js'
import type { LoginContext, SessionUser } from '../sessions/store.js'
import type { SmsPurpose } from '../sms/codes.js'
import type { Language } from '../i18n/language.js'
import { PhoneTakenError } from '../users/repository.js'
import type { AccountDeps } from './deps.js'
import { normalizePhoneNumber } from './input.js'
import { changePhoneScope } from './phone-change.js'
import { noteSmsLimit } from './sms-limit-event.js'
import { recordLoginFailure } from './login-events.js'

/**
 * Sends a one-time code (SPEC §9). The answer never tells whether the number is registered: a code that
 * would be useless (reset or login for an unknown number, a move to a number that has an account) is not
 * sent, but takes its place under the number's limits all the same. change_phone and delete_account come
 * with the token's user; delete_account goes to that user's own number.
 */
export async function requestSmsCode (deps: AccountDeps, body: { phoneNumber?: string | undefined, purpose: SmsPurpose, user?: SessionUser | null, challengeToken?: string | undefined, ip: string, language?: Language }) {
  const given = body.phoneNumber === undefined ? undefined : normalizePhoneNumber(body.phoneNumber, deps.defaultCountry)
  if (body.purpose === 'delete_account' && given !== undefined && given !== body.user?.phoneNumber) {
    throw fail('validation_failed', 'body/phone_number must be the number of the account being deleted')
  }
  const phoneNumber = body.purpose === 'delete_account' ? body.user?.phoneNumber ?? '' : given
  if (phoneNumber === undefined) throw fail('validation_failed', "body must have required property 'phone_number'")
  try {
    return await sendCode(deps, body, phoneNumber)
  } catch (err) {
    noteSmsLimit(deps, { phoneNumber, purpose: body.purpose, userId: body.user?.id, ip: body.ip }, err)
    throw err
  }
}

async function sendCode (deps: AccountDeps, body: Parameters<typeof requestSmsCode>[1], phoneNumber: string) {
  // SPEC §11's guard comes first; the budgets it took are given back if the number's own limits then refuse.
  const admission = await deps.smsGuard.admit({ phoneNumber, purpose: body.purpose, challengeToken: body.challengeToken, ip: body.ip })
  // A change_phone code is for the account that asked for it (src/accounts/phone-change.ts).
  const scope = body.purpose === 'change_phone' ? changePhoneScope(body.user?.id ?? 0) : undefined
  if (admission.testCode !== undefined) return await deps.smsCodes.issueFixed(phoneNumber, body.purpose, admission.testCode, scope)
  try {
    const registered = body.purpose === 'delete_account' || await deps.users.findByPhone(phoneNumber) !== null
    const deliver = body.purpose === 'register' || body.purpose === 'delete_account' ||
      (body.purpose === 'change_phone' ? !registered : registered || (body.purpose === 'login' && deps.smsLoginRegisters === true))
    const issued = await deps.smsCodes.issue(phoneNumber, body.purpose, deliver, body.language, scope, { failed: admission.failed })
    if (deliver) admission.sent()
    return issued
  } catch (err) {
    await admission.release()
    throw err
  }
}

/**
 * Logs in with a code of purpose login (SPEC §10). It draws on the number's failed-login budget like /login;
 * an unknown number fails like a wrong code unless SMS_LOGIN_REGISTERS, which registers it with an unusable
 * password (a hash of random bytes nobody knows).
 */
export async function logInWithSms (deps: AccountDeps, body: { phoneNumber: string, smsCode: string, context: LoginContext }) {
  const phoneNumber = normalizePhoneNumber(body.phoneNumber, deps.defaultCountry)
  let user = await deps.users.findByPhone(phoneNumber)
  let checked: Awaited<ReturnType<AccountDeps['smsCodes']['check']>> | undefined
  let refusal: unknown = fail('sms_code_invalid')
  const valid = await deps.loginFailures.check(phoneNumber, undefined, async () => {
    try {
      checked = await deps.smsCodes.check(phoneNumber, 'login', body.smsCode)
    } catch (err) {
      if (!(err instanceof AppError) || err.error !== 'sms_code_invalid') throw err
      refusal = err
      return false
    }
    return user !== null || deps.smsLoginRegisters === true
  }, { onFailure: async (failures) => await recordLoginFailure(deps, user?.id ?? null, failures, body.context, { method: 'sms' }) })
  if (!valid || checked === undefined) throw refusal
  let registered = false
  if (user === null) {
    const passwordHash = await deps.passwords.hash(randomBytes(32).toString('base64url'))
    await checked.consume()
    try {
      user = await deps.events.write(({ users }) => users.insert({ phoneNumber, passwordHash, nickname: null }),
        (created) => [{ type: 'user.registered', userId: created.id, data: { method: 'sms' }, context: body.context }])
    } catch (err) {
      if (err instanceof PhoneTakenError) throw fail('sms_code_invalid')
      throw err
    }
    registered = true
  } else {
    await checked.consume()
  }
  // Like /login: a session, or with two-factor login on a challenge for POST /login/2fa (SPEC §13).
  const device = await deps.devices.recognise(phoneNumber, body.context.deviceToken)
  const outcome = await deps.twoFactor.startSessionOrChallenge(user, body.context, device)
  return { outcome, registered }
}
