import type { RowDataPacket } from 'mysql2'
import { generate } from 'otplib'
import t from 'tap'
import { build, loggedInUser, PASSWORD, type App } from '../support/helper.js'
import { phoneKeys } from '../../src/redis/keys.js'

const post = (app: App, url: string, payload: object, token?: string) =>
  app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : { token } })

/** The code of the step `offset` steps from now, as an authenticator app shows it. */
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 })

/** A user with two-factor login on (the enable code used the current step). */
async function userWithTwoFactor (app: App) {
  const { phone, token, user } = await loggedInUser(app)
  const setup = await post(app, '/user/2fa/setup', {}, token)
  const { secret, otpauth_url: url } = setup.json()
  const enabled = await post(app, '/user/2fa/enable', { code: await codeAt(secret) }, token)
  return { phone, token, user, secret, url, setup, enabled, recoveryCodes: enabled.json().recovery_codes as string[] }
}

const passwordStep = async (app: App, phone: string) => {
  const res = await post(app, '/login', { phone_number: phone, password: PASSWORD })
  return { res, challenge: res.json().challenge as string }
}

t.test('setup, enable with recovery codes, then a login needs the second factor', async (t) => {
  const app = await build(t)
  const { phone, user, secret, url, setup, enabled, recoveryCodes } = await userWithTwoFactor(app)
  t.equal(setup.statusCode, 200)
  t.match(setup.json(), { code: 1, message: String })
  t.match(secret, /^[A-Z2-7]{26,}$/, 'base32 secret')
  t.match(url, new RegExp(`^otpauth://totp/Sesame:${encodeURIComponent(phone)}\\?secret=${secret}&issuer=Sesame`))
  t.equal(enabled.statusCode, 200)
  t.equal(recoveryCodes.length, 10)
  t.equal(new Set(recoveryCodes).size, 10)
  const [stored] = await app.mysql.query<RowDataPacket[]>('SELECT code_hash FROM user_recovery_code WHERE user_id = ?', [user.id])
  t.equal(stored.length, 10)
  for (const code of recoveryCodes) t.notOk(stored.some((row) => row.code_hash.includes(code)), 'stored hashed')

  const { res, challenge } = await passwordStep(app, phone)
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 0, error: 'second_factor_required', challenge: /^[A-Za-z0-9_-]{43}$/ })
  t.notOk('token' in res.json(), 'no token before the second factor')
  const keys = await app.redis.keys('sesame:2fa-challenge:*')
  t.notOk(keys.some((key) => key.includes(challenge)), 'the challenge is stored hashed')
  const ttls = await Promise.all(keys.map((key) => app.redis.ttl(key)))
  t.ok(ttls.every((ttl) => ttl > 0 && ttl <= 300), 'valid 5 minutes')

  const wrong = await post(app, '/login/2fa', { challenge, code: await codeAt(secret, 1) === '000000' ? '111111' : '000000' })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.json(), { code: 0, error: 'second_factor_invalid' })
  t.equal(await app.redis.hget(phoneKeys(phone).loginBudget, 'failures'), '1', 'a wrong code counts as a failed login')

  // The enable code used this step; the next step's code is within ±1.
  const code = await codeAt(secret, 1)
  const ok = await post(app, '/login/2fa', { challenge, code })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { code: 1, message: 'logon successful', token: String, expires_in: Number, device_token: String })
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: ok.json().token } })).statusCode, 200)
  t.equal((await post(app, '/login/2fa', { challenge, code })).statusCode, 401, 'the challenge is single use')

  const again = await passwordStep(app, phone)
  const replay = await post(app, '/login/2fa', { challenge: again.challenge, code })
  t.equal(replay.statusCode, 401, 'a TOTP code is accepted once')
  t.equal(replay.json().error, 'second_factor_invalid')
  const recovery = await post(app, '/login/2fa', { challenge: again.challenge, code: recoveryCodes[0]?.toUpperCase() })
  t.equal(recovery.statusCode, 200, 'a recovery code works (any case)')
  const third = await passwordStep(app, phone)
  t.equal((await post(app, '/login/2fa', { challenge: third.challenge, code: recoveryCodes[0] })).statusCode, 401, 'recovery codes are single use')
  t.equal((await post(app, '/login/2fa', { challenge: 'x'.repeat(43), code: recoveryCodes[1] })).statusCode, 401, 'unknown challenge')
})

t.test('enable refuses a wrong code; setup again once on is refused', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  t.equal((await post(app, '/user/2fa/enable', { code: '123456' }, token)).statusCode, 400, 'no setup yet')
  const { secret } = (await post(app, '/user/2fa/setup', {}, token)).json()
  const wrong = await post(app, '/user/2fa/enable', { code: (await codeAt(secret, 5)) }, token)
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().error, 'second_factor_invalid')
  t.equal((await post(app, '/user/2fa/enable', { code: await codeAt(secret) }, token)).statusCode, 200)
  t.equal((await post(app, '/user/2fa/setup', {}, token)).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/user/2fa/setup' })).statusCode, 401, 'needs a token')
})

t.test('wrong second factors spend the failure budget: then even the right code is 429', async (t) => {
  const app = await build(t)
  const { phone, secret } = await userWithTwoFactor(app)
  const { challenge } = await passwordStep(app, phone)
  const right = await codeAt(secret, 1)
  const wrongCode = right === '999999' ? '999998' : '999999'
  for (let i = 0; i < 5; i++) t.equal((await post(app, '/login/2fa', { challenge, code: wrongCode })).statusCode, 401)
  const blocked = await post(app, '/login/2fa', { challenge, code: right })
  t.equal(blocked.statusCode, 429)
  t.equal(blocked.json().error, 'rate_limited')
  t.ok(Number(blocked.headers['retry-after']) > 0)
})

t.test('disable needs the password and a code, each failure counted', async (t) => {
  const app = await build(t)
  const { phone, token, secret, recoveryCodes } = await userWithTwoFactor(app)
  const wrongPassword = await post(app, '/user/2fa/disable', { password: 'not the password', code: recoveryCodes[0] }, token)
  t.equal(wrongPassword.statusCode, 403)
  t.equal(wrongPassword.json().error, 'wrong_password')
  const wrongCode = await post(app, '/user/2fa/disable', { password: PASSWORD, code: await codeAt(secret, 6) }, token)
  t.equal(wrongCode.statusCode, 401)
  t.equal(wrongCode.json().error, 'second_factor_invalid')
  t.equal(await app.redis.hget(phoneKeys(phone).loginBudget, 'failures'), '2', 'both failures on the number budget')
  const ok = await post(app, '/user/2fa/disable', { password: PASSWORD, code: await codeAt(secret, 1) }, token)
  t.equal(ok.statusCode, 200)
  await app.redis.del(phoneKeys(phone).loginBudget)
  const login = await post(app, '/login', { phone_number: phone, password: PASSWORD })
  t.equal(login.statusCode, 200, 'a token at once again')
  t.type(login.json().token, 'string')
})

t.test('secrets, codes and challenges never reach the log', async (t) => {
  const lines: string[] = []
  const app = await build(t, { LOG_LEVEL: 'trace' }, { logStream: { write: (line) => { lines.push(line) } } })
  const { phone, secret, recoveryCodes } = await userWithTwoFactor(app)
  const { challenge } = await passwordStep(app, phone)
  await post(app, '/login/2fa', { challenge, code: recoveryCodes[0] })
  const log = lines.join('\n')
  for (const value of [secret, challenge, ...recoveryCodes]) t.notOk(log.includes(value), 'not in the log')
})
