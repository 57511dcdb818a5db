import t from 'tap'
import { randomInt } from 'node:crypto'
import { build, PASSWORD } from '../support/helper.js'
import { phoneKeys } from '../../src/redis/keys.js'

// SPEC §2: phone numbers are read with libphonenumber and kept in E.164.
const register = (app: Awaited<ReturnType<typeof build>>, phone: string) =>
  app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: PASSWORD } })
const login = (app: Awaited<ReturnType<typeof build>>, phone: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
const digits = (n: number) => String(randomInt(10 ** (n - 1), 10 ** n))

t.test('numbers from several countries are stored and returned in E.164', async (t) => {
  const app = await build(t)
  const cases = [
    { input: `+86 138 ${digits(4)} ${digits(4)}`, country: '+86' },
    { input: `+1 (201) 555-${digits(4)}`, country: '+1' },
    { input: `+44 20 7946 ${digits(4)}`, country: '+44' },
    { input: `+49 30 ${digits(8)}`, country: '+49' },
    { input: `+91 98${digits(8)}`, country: '+91' }
  ]
  for (const { input, country } of cases) {
    const res = await register(app, input)
    t.equal(res.statusCode, 201, input)
    const stored = res.json().user.phone_number as string
    t.match(stored, /^\+[1-9][0-9]{6,14}$/, `${input} is returned in E.164`)
    t.ok(stored.startsWith(country))
    t.equal(stored, `+${input.replace(/[^0-9]/g, '')}`)
  }
})

t.test('an impossible number, or national input without DEFAULT_COUNTRY, is 400 with a helpful message', async (t) => {
  const app = await build(t)
  const national = await register(app, `138${digits(8)}`)
  t.equal(national.statusCode, 400)
  t.match(national.json(), { code: 0, error: 'validation_failed', message: /country code/ })
  for (const phone of ['+1555123456789', '+86 12', 'not a number', '+']) {
    const res = await register(app, phone)
    t.equal(res.statusCode, 400, phone)
    t.equal(res.json().error, 'validation_failed', phone)
  }
})

t.test('with DEFAULT_COUNTRY, national input and the 00 prefix are the same account and the same lockout', async (t) => {
  const app = await build(t, { DEFAULT_COUNTRY: 'CN', LOGIN_MAX_FAILURES: '3' })
  const national = `138${digits(8)}`
  const e164 = `+86${national}`
  const created = await register(app, national)
  t.equal(created.statusCode, 201)
  t.equal(created.json().user.phone_number, e164)
  for (const spelling of [e164, `0086${national}`, `+86 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`, `  ${national} `]) {
    const again = await register(app, spelling)
    t.equal(again.statusCode, 409, `${spelling} is the same account`)
    t.equal(again.json().error, 'phone_taken')
  }
  const ok = await login(app, `0086${national}`)
  t.equal(ok.statusCode, 200, 'logs in with the 00 spelling')
  // three failures under three spellings lock every spelling out
  for (const spelling of [national, `0086${national}`, e164]) t.equal((await login(app, spelling, 'wrong password!')).statusCode, 401)
  t.equal(await app.redis.hget(phoneKeys(e164).loginBudget, 'failures'), '3', 'one counter, keyed by E.164')
  const locked = await login(app, `+86-${national}`)
  t.equal(locked.statusCode, 429, 'the right password is locked out under any spelling')
})

t.test('00 counts as the international prefix even where the country dials another one (US: 011)', async (t) => {
  const app = await build(t, { DEFAULT_COUNTRY: 'US' })
  const local = digits(4)
  const res = await register(app, `0044 20 7946 ${local}`)
  t.equal(res.statusCode, 201)
  t.equal(res.json().user.phone_number, `+44207946${local}`)
  const us = await register(app, `(201) 555-${digits(4)}`)
  t.equal(us.statusCode, 201)
  t.match(us.json().user.phone_number, /^\+1201555[0-9]{4}$/)
})

t.test('SMS codes are keyed by E.164', async (t) => {
  const app = await build(t, { DEFAULT_COUNTRY: 'CN' })
  const national = `138${digits(8)}`
  const res = await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: national, purpose: 'register' } })
  t.equal(res.statusCode, 200)
  t.ok(await app.redis.exists(phoneKeys(`+86${national}`).smsCode('register')), 'the code is under the E.164 key')
  const again = await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: `+86${national}`, purpose: 'register' } })
  t.equal(again.statusCode, 429, 'one cooldown for every spelling')
})
