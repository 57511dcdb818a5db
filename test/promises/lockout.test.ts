import t from 'tap'
import { build, logIn, PASSWORD, registerUser, type App } from '../support/helper.js'
import { phoneKeys } from '../../src/redis/keys.js'

const login = (app: App, phone: string, password: string, extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password, ...extra } })

/** Counts the wrong passwords an app checks (every route's checks go through the one hasher). */
function countWrongChecks (app: App) {
  const counter = { wrong: 0 }
  const original = app.passwords.verify.bind(app.passwords)
  app.passwords.verify = async (hash, password) => {
    if (password !== PASSWORD) counter.wrong++
    return await original(hash, password)
  }
  return counter
}

const env = { IP_RATE_LIMIT_PER_MINUTE: '10000' }

t.test('40 concurrent wrong logins and the right one: at most LOGIN_MAX_FAILURES wrong passwords are checked', async (t) => {
  const app = await build(t, env)
  const { phone } = await registerUser(app)
  const counter = countWrongChecks(app)
  const wrong = Array.from({ length: 40 }, (_, i) => login(app, phone, `wrong password ${i}`))
  const replies = await Promise.all([...wrong, login(app, phone, PASSWORD)])
  t.ok(counter.wrong <= app.config.LOGIN_MAX_FAILURES, `${counter.wrong} wrong passwords checked`)
  const refused = replies.filter((r) => r.statusCode === 429)
  t.ok(refused.length >= 40 - app.config.LOGIN_MAX_FAILURES, `${refused.length} answered 429`)
  t.equal(replies.filter((r) => r.statusCode === 401).length, counter.wrong, 'every checked wrong password answered 401')
  t.match(refused[0]?.json(), { code: 0, error: 'rate_limited' })
  const later = await login(app, phone, PASSWORD)
  t.equal(later.statusCode, 429, 'the burst leaves the number locked, even for the right password')
  t.match(later.headers['retry-after'], /^[1-9][0-9]*$/)
})

t.test('50 concurrent wrong logins on two instances share one budget', async (t) => {
  const [a, b] = [await build(t, env), await build(t, env)]
  const { phone } = await registerUser(a)
  const counters = [countWrongChecks(a), countWrongChecks(b)]
  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 === 0 ? a : b, phone, `wrong password ${i}`)))
  const checked = counters[0]!.wrong + counters[1]!.wrong
  t.ok(checked <= a.config.LOGIN_MAX_FAILURES, `${checked} wrong passwords checked`)
  t.equal(replies.filter((r) => r.statusCode === 401).length, checked)
  t.equal(replies.filter((r) => r.statusCode === 429).length, 50 - checked)
  t.equal((await login(b, phone, PASSWORD)).statusCode, 429)
})

t.test('a known device budget holds under concurrency too, and a stranger burst does not lock the device out', async (t) => {
  const app = await build(t, env)
  const { phone } = await registerUser(app)
  const first = await login(app, phone, PASSWORD)
  const deviceToken = first.json().device_token as string
  const counter = countWrongChecks(app)
  await Promise.all(Array.from({ length: 30 }, (_, i) => login(app, phone, `stranger ${i}`)))
  t.ok(counter.wrong <= app.config.LOGIN_MAX_FAILURES, 'the strangers got at most the number budget')
  const owner = await login(app, phone, PASSWORD, { device_token: deviceToken })
  t.equal(owner.statusCode, 200, 'the owner device still logs in')
  const current = (owner.json().device_token as string | undefined) ?? deviceToken
  counter.wrong = 0
  const own = await Promise.all(Array.from({ length: 30 }, (_, i) => login(app, phone, `typo number ${i}`, { device_token: current })))
  t.equal(counter.wrong, app.config.LOGIN_MAX_FAILURES, 'exactly the device budget of wrong passwords was checked')
  t.ok(own.filter((r) => r.statusCode === 429).length >= 30 - app.config.LOGIN_MAX_FAILURES)
})

t.test('a success clears the budget when nothing contended for it', async (t) => {
  const app = await build(t, env)
  const { phone } = await registerUser(app)
  for (let i = 0; i < app.config.LOGIN_MAX_FAILURES - 1; i++) t.equal((await login(app, phone, 'wrong password')).statusCode, 401)
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200)
  t.equal(await app.redis.exists(phoneKeys(phone).loginBudget), 0, 'the budget is gone')
  for (let i = 0; i < app.config.LOGIN_MAX_FAILURES - 1; i++) t.equal((await login(app, phone, 'wrong password')).statusCode, 401)
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200)
})

t.test('a check that fails with an error gives its place back', async (t) => {
  const app = await build(t, env)
  const { phone } = await registerUser(app)
  const original = app.passwords.verify.bind(app.passwords)
  app.passwords.verify = async () => { throw new Error('hasher broke') }
  for (let i = 0; i < app.config.LOGIN_MAX_FAILURES + 2; i++) t.equal((await login(app, phone, PASSWORD)).statusCode, 500)
  app.passwords.verify = original
  t.equal(await app.redis.exists(phoneKeys(phone).loginBudget), 0, 'no check is left in flight and no failure was counted')
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200, 'errors are not failures')
})

t.test('POST /user/password: 50 concurrent wrong old passwords draw on the account budget', async (t) => {
  const app = await build(t, env)
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  const counter = countWrongChecks(app)
  const tries = await Promise.all(Array.from({ length: 50 }, () => app.inject({
    method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: 'not the password', new_password: 'a new passphrase' }
  })))
  t.ok(counter.wrong <= app.config.LOGIN_MAX_FAILURES, `${counter.wrong} checks`)
  t.equal(tries.filter((r) => r.statusCode === 403).length, counter.wrong)
  t.equal(tries.filter((r) => r.statusCode === 429).length, 50 - counter.wrong)
  t.equal((await login(app, phone, PASSWORD)).statusCode, 429, 'the login shares the budget')
})
