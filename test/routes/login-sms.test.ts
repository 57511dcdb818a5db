import t from 'tap'
import { loggedInUser, newPhone, registerUser } from '../support/helper.js'
import { askForCode, buildWithGateway, codeFor, skipCooldown, wrongCode } from '../support/sms-helper.js'
import { phoneKeys } from '../../src/redis/keys.js'
import type { App } from '../../src/app.js'

const smsLogin = (app: App, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/login/sms', payload })

t.test('POST /login/sms with a login code answers like /login, and the code is single use', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app, newPhone(), undefined, 'Mia')
  const code = await codeFor(app, gateway, phone, 'login')
  t.match(JSON.parse(gateway.requests.at(-1)?.body ?? '{}').text, /login code is \d{6}/)
  const res = await smsLogin(app, { phone_number: phone.replace('+86', '0086'), sms_code: code })
  t.equal(res.statusCode, 200)
  t.same(Object.keys(res.json()).sort(), ['code', 'device_token', 'expires_in', 'message', 'nickname', 'token'], 'the /login reply, device_token included')
  t.match(res.json(), { code: 1, message: 'logon successful', nickname: 'Mia', token: /\S{43}/ })
  const user = await app.inject({ url: '/user', headers: { token: res.json().token } })
  t.equal(user.json().phone_number, phone)
  t.match((await smsLogin(app, { phone_number: phone, sms_code: code })).json(), { error: 'sms_code_invalid' }, 'used up')
})

t.test('an unknown number gets no code and fails exactly like a wrong code', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  const unknown = newPhone()
  const known = await askForCode(app, phone, 'login')
  const stranger = await askForCode(app, unknown, 'login')
  t.equal(stranger.statusCode, known.statusCode)
  t.same(stranger.json(), known.json(), 'same reply whether or not the number is registered')
  t.notOk(gateway.requests.some((req) => req.body.includes(unknown)), 'nothing sent to the unknown number')
  const wrong = await smsLogin(app, { phone_number: phone, sms_code: wrongCode(gateway.codeFor(phone)) })
  const none = await smsLogin(app, { phone_number: unknown, sms_code: '123456' })
  t.equal(wrong.statusCode, 400)
  t.equal(none.statusCode, 400)
  t.same(none.json(), wrong.json())
  t.equal(none.json().error, 'sms_code_invalid')
})

t.test('wrong codes share the number\'s lockout of §4', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { LOGIN_MAX_FAILURES: '2' })
  const { phone } = await registerUser(app)
  const code = await codeFor(app, gateway, phone, 'login')
  for (let i = 1; i <= 2; i++) t.equal((await smsLogin(app, { phone_number: phone, sms_code: wrongCode(code, i) })).statusCode, 400)
  t.equal(await app.redis.hget(phoneKeys(phone).loginBudget, 'failures'), '2')
  const locked = await smsLogin(app, { phone_number: phone, sms_code: code })
  t.equal(locked.statusCode, 429)
  t.ok(Number(locked.headers['retry-after']) > 0)
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'correct horse battery' } })).statusCode, 429, '/login is locked too')
})

t.test('SMS_LOGIN_REGISTERS=true registers an unknown number: 201 and registered: true', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { SMS_LOGIN_REGISTERS: 'true' })
  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'login')
  const res = await smsLogin(app, { phone_number: phone, sms_code: code })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { code: 1, message: 'logon successful', registered: true, nickname: null })
  const me = await app.inject({ url: '/user', headers: { token: res.json().token } })
  t.equal(me.json().phone_number, phone)
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'correct horse battery' } })).statusCode, 401, 'no password works')
  await skipCooldown(app, phone)
  const again = await smsLogin(app, { phone_number: phone, sms_code: await codeFor(app, gateway, phone, 'login') })
  t.equal(again.statusCode, 200, 'the second time it is a plain login')
  t.notOk('registered' in again.json())
})

t.test('change_phone and delete_account codes need the token', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone, token } = await loggedInUser(app)
  for (const purpose of ['change_phone', 'delete_account'] as const) {
    const none = await askForCode(app, newPhone(), purpose)
    t.equal(none.statusCode, 401)
    t.equal(none.json().error, 'token_required')
    const bad = await askForCode(app, newPhone(), purpose, { token: 'nope' })
    t.equal(bad.statusCode, 401)
    t.match(bad.json(), { code: 2, error: 'token_invalid' })
  }
  const other = await askForCode(app, newPhone(), 'delete_account', { token })
  t.equal(other.statusCode, 400, 'delete_account for another number')
  t.equal(other.json().error, 'validation_failed')
  const own = await app.inject({ method: 'POST', url: '/sms/code', payload: { purpose: 'delete_account' }, headers: { token } })
  t.equal(own.statusCode, 200, 'phone_number may be left out')
  await app.smsDelivery.drain()
  t.match(JSON.parse(gateway.requests.at(-1)?.body ?? '{}'), { phone_number: phone, text: /DELETE your account is \d{6}/ })
  const fresh = newPhone()
  t.equal((await askForCode(app, fresh, 'change_phone', { token })).statusCode, 200)
  t.match(JSON.parse(gateway.requests.at(-1)?.body ?? '{}'), { phone_number: fresh, text: /move your account/ })
  const { phone: taken } = await registerUser(app)
  const sent = gateway.requests.length
  const toTaken = await askForCode(app, taken, 'change_phone', { token })
  t.equal(toTaken.statusCode, 200, 'same reply for a number that has an account')
  t.equal(gateway.requests.length, sent, 'but no code is sent to it')
})
