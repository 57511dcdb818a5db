import t, { type Test } from 'tap'
import { generate } from 'otplib'
import { build, logIn, PASSWORD, registerUser, type App } from '../support/helper.js'
import { buildWithGateway, codeFor } from '../support/sms-helper.js'

const ADMIN = 'k'.repeat(40)
const NEW_PASSWORD = 'a brand new passphrase'
const login = (app: App, phone: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
const userStatus = async (app: App, token: string) => (await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode

/** Holds the next password check on `app` once it has checked, until `release` is called. */
function holdNextCheck (app: App) {
  const original = app.passwords.verify.bind(app.passwords)
  let release = () => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  let began = () => {}
  const checking = new Promise<void>((resolve) => { began = resolve })
  app.passwords.verify = async (hash, password) => {
    app.passwords.verify = original
    const answer = await original(hash, password)
    began()
    await held
    return answer
  }
  return { checking, release }
}

/** A login with the right password is held inside its check while `change` runs, on another instance. */
async function raceLogin (t: Test, change: (other: App, phone: string, userId: number, token: string) => Promise<void>, env = {}) {
  const a = await build(t, { MAX_SESSIONS_PER_USER: '5', ADMIN_KEYS: ADMIN, ...env })
  const b = await build(t, { MAX_SESSIONS_PER_USER: '5', ADMIN_KEYS: ADMIN, ...env })
  const { phone, user } = await registerUser(a)
  const token = await logIn(b, phone)
  const hold = holdNextCheck(a)
  const racing = login(a, phone)
  const early = await Promise.race([hold.checking.then(() => null), racing])
  if (early !== null) throw new Error(`the login ended before its check was held: ${early.statusCode} ${early.body}`)
  await change(b, phone, user.id, token)
  hold.release()
  const res = await racing
  t.not(res.statusCode, 200, `the racing login got no session (${res.statusCode} ${res.json().error as string})`)
  t.notOk(res.json().token, 'and no token')
  return { a, b, res, token, userId: user.id }
}

t.test('a login racing a password change on another instance leaves no session', async (t) => {
  const { a, b, res, token } = await raceLogin(t, async (other, _phone, _id, token) => {
    const change = await other.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: NEW_PASSWORD } })
    t.equal(change.statusCode, 200)
  })
  t.match(res.json(), { code: 0, error: 'invalid_credentials' })
  t.equal(await userStatus(a, token), 200, 'the session that changed the password lives on')
  const sessions = await b.inject({ url: '/sessions', headers: { token } })
  t.equal(sessions.json().sessions.length, 1, 'no other session exists')
})

t.test('with one session per user, a login that lost the race to a password change does not end the session that changed it', async (t) => {
  const { a, res, token } = await raceLogin(t, async (other, _phone, _id, token) => {
    const change = await other.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: NEW_PASSWORD } })
    t.equal(change.statusCode, 200)
  }, { MAX_SESSIONS_PER_USER: '1' })
  t.match(res.json(), { code: 0, error: 'invalid_credentials' })
  t.equal(await userStatus(a, token), 200, 'the failed login replaced no session')
})

t.test('a login racing a password reset leaves no session', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { MAX_SESSIONS_PER_USER: '5' })
  const { phone, user } = await registerUser(app)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  const hold = holdNextCheck(app)
  const racing = login(app, phone)
  const early = await Promise.race([hold.checking.then(() => null), racing])
  if (early !== null) throw new Error(`the login ended before its check was held: ${early.statusCode} ${early.body}`)
  const reset = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: code, new_password: NEW_PASSWORD } })
  t.equal(reset.statusCode, 200)
  hold.release()
  const res = await racing
  t.match([res.statusCode, res.json().error], [401, 'invalid_credentials'])
  t.equal(await app.redis.zcard(`sesame:{u${user.id}}:sessions`), 0, 'no session was left')
})

t.test('a login racing an account deletion leaves nothing behind', async (t) => {
  const { a, res, userId } = await raceLogin(t, async (other, _phone, _id, token) => {
    const gone = await other.inject({ method: 'DELETE', url: '/user', headers: { token }, payload: { password: PASSWORD } })
    t.equal(gone.statusCode, 200)
  })
  t.equal(res.statusCode, 401)
  t.same(await a.redis.keys(`sesame:{u${userId}}*`), [], 'no key of the deleted user was made by the racing login')
})

t.test('a login racing a ban leaves no session and answers account_banned', async (t) => {
  const { a, res, userId } = await raceLogin(t, async (other, _phone, id) => {
    const ban = await other.inject({ method: 'POST', url: `/admin/users/${id}/ban`, headers: { authorization: `Bearer ${ADMIN}` } })
    t.equal(ban.statusCode, 200)
  })
  t.match([res.statusCode, res.json().error], [403, 'account_banned'])
  t.same(await a.redis.keys(`sesame:{u${userId}}:s:*`), [], 'no session key exists')
})

t.test('a second-factor challenge from before a password change no longer gives a session', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '5' })
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  const codeAt = async (secret: string, offset: number) => await generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 })
  const setup = await app.inject({ method: 'POST', url: '/user/2fa/setup', headers: { token } })
  const secret = setup.json().secret as string
  t.equal((await app.inject({ method: 'POST', url: '/user/2fa/enable', headers: { token }, payload: { code: await codeAt(secret, 0) } })).statusCode, 200)
  const first = await login(app, phone)
  t.equal(first.json().error, 'second_factor_required')
  const change = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: NEW_PASSWORD } })
  t.equal(change.statusCode, 200)
  const code = await codeAt(secret, 1)
  const second = await app.inject({ method: 'POST', url: '/login/2fa', payload: { challenge: first.json().challenge, code } })
  t.match([second.statusCode, second.json().error], [401, 'invalid_credentials'])
  t.notOk(second.json().token)
})
