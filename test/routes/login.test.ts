import t from 'tap'
import { build, logIn, newPhone, PASSWORD, registerUser, type App } from '../support/helper.js'

const login = (app: App, phone: string, password: string) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
const userStatus = async (app: App, token: string) => (await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode

t.test('logs in: logon successful with nickname, token and expires_in', async (t) => {
  const app = await build(t, { SESSION_TTL_SECONDS: '3600' })
  const { phone } = await registerUser(app, newPhone(), PASSWORD, '阿明')
  const res = await login(app, phone, PASSWORD)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['code', 'device_token', 'expires_in', 'message', 'nickname', 'token'])
  t.match(body, { code: 1, message: 'logon successful', nickname: '阿明', expires_in: 3600 })
  t.match(body.token, /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}$/, '<prefix>.<43-char base64url secret>')
  t.equal(Buffer.from(body.token.split('.')[1], 'base64url').length, 32, '32 random bytes')
})

t.test('tokens are different every time', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '10' })
  const { phone } = await registerUser(app)
  const tokens = new Set<string>()
  for (let i = 0; i < 5; i++) tokens.add(await logIn(app, phone))
  t.equal(tokens.size, 5)
})

t.test('an unknown number and a wrong password fail the same way', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const wrongPassword = await login(app, phone, 'not the password')
  const unknownNumber = await login(app, newPhone(), PASSWORD)
  t.equal(wrongPassword.statusCode, 401)
  t.equal(unknownNumber.statusCode, 401)
  t.same(wrongPassword.json(), unknownNumber.json())
  t.same(wrongPassword.json(), { code: 0, error: 'invalid_credentials', message: wrongPassword.json().message })
})

t.test('an unknown number costs a password hash, like a wrong password', async (t) => {
  const app = await build(t)
  let unknownVerifications = 0
  const original = app.passwords.verifyUnknown
  app.passwords.verifyUnknown = async (password) => { unknownVerifications++; return await original(password) }
  await login(app, newPhone(), PASSWORD)
  t.equal(unknownVerifications, 1)
})

t.test('default MAX_SESSIONS_PER_USER=1: a new login logs the old device out', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const first = await logIn(app, phone)
  t.equal(await userStatus(app, first), 200)
  const second = await logIn(app, phone)
  t.equal(await userStatus(app, second), 200)
  const res = await app.inject({ method: 'GET', url: '/user', headers: { token: first } })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 2, error: 'token_invalid' })
})

t.test('50 concurrent logins of one user leave exactly one working token', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const replies = await Promise.all(Array.from({ length: 50 }, () => login(app, phone, PASSWORD)))
  t.ok(replies.every((res) => res.statusCode === 200), 'every login succeeds')
  const statuses = await Promise.all(replies.map((res) => userStatus(app, res.json().token)))
  t.equal(statuses.filter((status) => status === 200).length, 1)
  t.equal(statuses.filter((status) => status === 401).length, 49)
  const sessions = await app.inject({ method: 'GET', url: '/sessions', headers: { token: replies[statuses.indexOf(200)]?.json().token } })
  t.equal(sessions.json().sessions.length, 1)
})

t.test('MAX_SESSIONS_PER_USER=3: the fourth login revokes the oldest', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '3' })
  const { phone } = await registerUser(app)
  const tokens: string[] = []
  for (let i = 0; i < 4; i++) tokens.push(await logIn(app, phone))
  t.same(await Promise.all(tokens.map((token) => userStatus(app, token))), [401, 200, 200, 200])
})

t.test('login validates its input', async (t) => {
  const app = await build(t)
  for (const payload of [{}, { phone_number: '+15550001234' }, { password: PASSWORD }, { phone_number: 'abc', password: PASSWORD }]) {
    const res = await app.inject({ method: 'POST', url: '/login', payload })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error, 'validation_failed')
  }
})
