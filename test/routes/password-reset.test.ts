import { phoneKeys } from '../../src/redis/keys.js'
import t from 'tap'
import { newPhone, PASSWORD, registerUser } from '../support/helper.js'
import { buildWithGateway, codeFor, skipCooldown, wrongCode } from '../support/sms-helper.js'
import type { App } from '../../src/app.js'

const NEW_PASSWORD = 'a brand new passphrase'

const reset = (app: App, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/password/reset', payload })
const logInStatus = async (app: App, phone: string, password: string) =>
  (await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })).statusCode

t.test('reset flow: code, new password, every session ends, the failed-login counter is cleared', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { MAX_SESSIONS_PER_USER: '3' })
  const { phone } = await registerUser(app)
  const tokens = []
  for (const agent of ['phone', 'tablet']) {
    const res = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD }, headers: { 'user-agent': agent } })
    tokens.push(res.json().token as string)
  }
  const failures = phoneKeys(phone).loginBudget
  await app.redis.hset(failures, 'failures', 4)
  await app.redis.expire(failures, 900)

  const code = await codeFor(app, gateway, phone, 'reset_password')
  t.match(JSON.parse(gateway.requests.at(-1)?.body ?? '{}').text, /^Your Sesame password reset code is \d{6}\. It expires in 5 minutes\./)
  const res = await reset(app, { phone_number: ` ${phone} `, sms_code: code, new_password: NEW_PASSWORD })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'password reset; log in with the new password' })

  for (const token of tokens) {
    const user = await app.inject({ method: 'GET', url: '/user', headers: { token } })
    t.equal(user.statusCode, 401)
    t.match(user.json(), { code: 2, error: 'token_invalid' })
  }
  t.equal(await app.redis.exists(failures), 0, 'failed-login counter cleared')
  t.equal(await logInStatus(app, phone, PASSWORD), 401, 'the old password no longer works')
  t.equal(await logInStatus(app, phone, NEW_PASSWORD), 200, 'the new one does')

  const again = await reset(app, { phone_number: phone, sms_code: code, new_password: 'yet another password' })
  t.equal(again.statusCode, 400, 'the code was used up')
  t.match(again.json(), { code: 0, error: 'sms_code_invalid' })
  t.equal(await logInStatus(app, phone, NEW_PASSWORD), 200)
})

t.test('wrong, expired, register-purpose and unknown-number codes are 400 sms_code_invalid', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  const invalid = async (payload: Record<string, unknown>, name: string) => {
    const res = await reset(app, { new_password: NEW_PASSWORD, ...payload })
    t.equal(res.statusCode, 400, name)
    t.same(res.json(), { code: 0, error: 'sms_code_invalid', message: 'the SMS code is wrong, expired or already used; ask for a new one' }, name)
  }
  const registerCode = await codeFor(app, gateway, phone, 'register')
  await invalid({ phone_number: phone, sms_code: registerCode }, 'a register code does not reset')

  const unknown = newPhone()
  t.equal((await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: unknown, purpose: 'reset_password' } })).statusCode, 200)
  await invalid({ phone_number: unknown, sms_code: '123456' }, 'unregistered number')
  await invalid({ phone_number: unknown, sms_code: registerCode }, 'unregistered number, a real code of another')

  await skipCooldown(app, phone)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  await invalid({ phone_number: phone, sms_code: wrongCode(code) }, 'wrong code')
  await app.redis.pexpire(phoneKeys(phone).smsCode('reset_password'), 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  await invalid({ phone_number: phone, sms_code: code }, 'expired code')
  t.equal(await logInStatus(app, phone, PASSWORD), 200, 'the password is unchanged')
})

t.test('a too-short new password is 400 validation_failed and leaves the code usable', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  const res = await reset(app, { phone_number: phone, sms_code: code, new_password: 'short' })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 0, error: 'validation_failed', message: /new_password/ })
  t.equal((await reset(app, { phone_number: phone, sms_code: code })).statusCode, 400, 'missing new_password')
  t.equal((await reset(app, { phone_number: phone, sms_code: code, new_password: NEW_PASSWORD })).statusCode, 200)
})

t.test('brute force: 5 wrong tries kill the code, even when the guesses arrive together', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  let code = await codeFor(app, gateway, phone, 'reset_password')
  for (let i = 1; i <= 5; i++) {
    t.equal((await reset(app, { phone_number: phone, sms_code: wrongCode(code, i), new_password: NEW_PASSWORD })).statusCode, 400)
  }
  t.equal((await reset(app, { phone_number: phone, sms_code: code, new_password: NEW_PASSWORD })).statusCode, 400, 'the right code, too late')

  // 19 wrong guesses and the right one, all at once: each takes a try before it is compared, so the right
  // one, arriving last, finds the code dead.
  await skipCooldown(app, phone)
  code = await codeFor(app, gateway, phone, 'reset_password')
  const guesses = [...Array.from({ length: 19 }, (_, i) => wrongCode(code, i + 1)), code]
  const answers = await Promise.all(guesses.map((guess) => reset(app, { phone_number: phone, sms_code: guess, new_password: NEW_PASSWORD })))
  t.same(answers.map((res) => res.statusCode), guesses.map(() => 400))
  t.equal(await logInStatus(app, phone, PASSWORD), 200, 'the password is unchanged')
})

t.test('two requests racing with one code: exactly one succeeds', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  const answers = await Promise.all(['first new password', 'second new password'].map((password) =>
    reset(app, { phone_number: phone, sms_code: code, new_password: password })))
  t.same(answers.map((res) => res.statusCode).sort(), [200, 400])
  t.match(answers.find((res) => res.statusCode === 400)?.json(), { error: 'sms_code_invalid' })
  const winner = answers[0]?.statusCode === 200 ? 'first new password' : 'second new password'
  t.equal(await logInStatus(app, phone, winner), 200)
})
