import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { build, newPhone, PASSWORD, registerUser, type App } from './support/helper.js'

const login = (app: App, phone: string, password: string, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password }, remoteAddress, headers })

t.test('LOGIN_MAX_FAILURES failed logins block the number, even with the right password, until the window passes', async (t) => {
  const app = await build(t, { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '2' })
  const { phone } = await registerUser(app)
  for (let i = 0; i < 3; i++) t.equal((await login(app, phone, 'wrong password')).statusCode, 401, `failure ${i + 1}`)
  const blocked = await login(app, phone, PASSWORD)
  t.equal(blocked.statusCode, 429)
  t.match(blocked.json(), { code: 0, error: 'rate_limited', message: String })
  const retryAfter = Number(blocked.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 2, `Retry-After in whole seconds (${retryAfter})`)
  t.equal((await login(app, newPhone(), PASSWORD)).statusCode, 401, 'other numbers are not affected')
  await sleep(2100)
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200, 'the window passed')
})

t.test('a successful login clears the number’s counter', async (t) => {
  const app = await build(t, { LOGIN_MAX_FAILURES: '3' })
  const { phone } = await registerUser(app)
  await login(app, phone, 'wrong password')
  await login(app, phone, 'wrong password')
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200)
  await login(app, phone, 'wrong password')
  await login(app, phone, 'wrong password')
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200, 'two more failures do not reach the limit')
})

t.test('an unknown number is limited exactly like a registered one', async (t) => {
  const app = await build(t, { LOGIN_MAX_FAILURES: '2' })
  const unknown = newPhone()
  const { phone } = await registerUser(app)
  const replies = []
  for (const number of [unknown, phone]) {
    for (let i = 0; i < 3; i++) replies.push(await login(app, number, 'wrong password'))
  }
  t.same(replies.map((res) => res.statusCode), [401, 401, 429, 401, 401, 429])
  t.same(replies[2]?.json(), replies[5]?.json())
})

t.test('two instances on one Redis share the failed-login counter', async (t) => {
  const env = { LOGIN_MAX_FAILURES: '4' }
  const [a, b] = [await build(t, env), await build(t, env)]
  const { phone } = await registerUser(a)
  await login(a, phone, 'wrong password')
  await login(b, phone, 'wrong password')
  await login(a, phone, 'wrong password')
  await login(b, phone, 'wrong password')
  t.equal((await login(a, phone, PASSWORD)).statusCode, 429)
  t.equal((await login(b, phone, PASSWORD)).statusCode, 429)
})

t.test('each client IP gets IP_RATE_LIMIT_PER_MINUTE login and register attempts a minute, shared by the routes', async (t) => {
  const app = await build(t, { IP_RATE_LIMIT_PER_MINUTE: '4' })
  const ip = '198.51.100.7'
  const statuses = [
    (await login(app, newPhone(), PASSWORD, ip)).statusCode,
    (await app.inject({ method: 'POST', url: '/register', payload: { phone_number: newPhone(), password: PASSWORD }, remoteAddress: ip })).statusCode,
    (await login(app, newPhone(), PASSWORD, ip)).statusCode,
    (await app.inject({ method: 'POST', url: '/register', payload: { phone_number: 'bad' }, remoteAddress: ip })).statusCode
  ]
  t.same(statuses, [401, 201, 401, 400], 'four attempts pass')
  const limited = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: newPhone(), password: PASSWORD }, remoteAddress: ip })
  t.equal(limited.statusCode, 429)
  t.match(limited.json(), { code: 0, error: 'rate_limited' })
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
  t.equal((await login(app, newPhone(), PASSWORD, ip)).statusCode, 429, 'login shares the budget')
  t.equal((await login(app, newPhone(), PASSWORD, '198.51.100.8')).statusCode, 401, 'another IP has its own budget')
  t.equal((await app.inject({ method: 'GET', url: '/health', remoteAddress: ip })).statusCode, 200, 'other routes are not limited')
})

t.test('two instances share the per-IP budget', async (t) => {
  const env = { IP_RATE_LIMIT_PER_MINUTE: '2' }
  const [a, b] = [await build(t, env), await build(t, env)]
  const ip = '198.51.100.20'
  await login(a, newPhone(), PASSWORD, ip)
  await login(b, newPhone(), PASSWORD, ip)
  t.equal((await login(a, newPhone(), PASSWORD, ip)).statusCode, 429)
})

t.test('X-Forwarded-For is ignored unless TRUST_PROXY is set', async (t) => {
  const direct = await build(t, { IP_RATE_LIMIT_PER_MINUTE: '1' })
  const socket = '198.51.100.30'
  await login(direct, newPhone(), PASSWORD, socket, { 'x-forwarded-for': '203.0.113.1' })
  const spoofed = await login(direct, newPhone(), PASSWORD, socket, { 'x-forwarded-for': '203.0.113.2' })
  t.equal(spoofed.statusCode, 429, 'a forged header does not buy a new budget')

  const proxied = await build(t, { IP_RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true' })
  const proxy = '198.51.100.31'
  t.equal((await login(proxied, newPhone(), PASSWORD, proxy, { 'x-forwarded-for': '203.0.113.3' })).statusCode, 401)
  t.equal((await login(proxied, newPhone(), PASSWORD, proxy, { 'x-forwarded-for': '203.0.113.4' })).statusCode, 401, 'behind a trusted proxy each client has its own budget')
  t.equal((await login(proxied, newPhone(), PASSWORD, proxy, { 'x-forwarded-for': '203.0.113.3' })).statusCode, 429)
})

t.test('SMS-code and password-reset attempts draw on the same per-IP budget', async (t) => {
  const app = await build(t, { IP_RATE_LIMIT_PER_MINUTE: '2' })
  const ip = '198.51.100.40'
  const code = await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: newPhone(), purpose: 'register' }, remoteAddress: ip })
  t.equal(code.statusCode, 200)
  const reset = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: newPhone(), sms_code: '123456', new_password: PASSWORD }, remoteAddress: ip })
  t.equal(reset.statusCode, 400)
  t.equal((await login(app, newPhone(), PASSWORD, ip)).statusCode, 429)
  t.equal((await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: newPhone(), purpose: 'register' }, remoteAddress: ip })).statusCode, 429)
})
