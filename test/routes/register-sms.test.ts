import { phoneKeys } from '../../src/redis/keys.js'
import t from 'tap'
import { build, newPhone, PASSWORD, registerUser } from '../support/helper.js'
import { buildWithGateway, codeFor, skipCooldown, wrongCode } from '../support/sms-helper.js'
import type { App } from '../../src/app.js'

const REQUIRED = { PHONE_VERIFICATION: 'required' }

const register = (app: App, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/register', payload })

t.test('verified registration: code, then register with it; the code works once', async (t) => {
  const { app, gateway } = await buildWithGateway(t, REQUIRED)
  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'register')

  const res = await register(app, { phone_number: phone, password: PASSWORD, nickname: 'Ada', sms_code: code })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { code: 1, message: 'register successful', user: { phone_number: phone, nickname: 'Ada' } })
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })).statusCode, 200)

  // Reused, even for another number that has not registered yet: the code is gone.
  const again = await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })
  t.equal(again.statusCode, 400)
  t.same(again.json(), { code: 0, error: 'sms_code_invalid', message: 'the SMS code is wrong, expired or already used; ask for a new one' })
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0)
})

t.test('with PHONE_VERIFICATION=required a missing code is 400 validation_failed', async (t) => {
  const app = await build(t, REQUIRED)
  const res = await register(app, { phone_number: newPhone(), password: PASSWORD })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 0, error: 'validation_failed', message: /sms_code/ })
})

t.test('wrong, expired, other-purpose and other-number codes are 400 sms_code_invalid', async (t) => {
  const { app, gateway } = await buildWithGateway(t, REQUIRED)
  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'register')
  const invalid = async (payload: Record<string, unknown>, name: string) => {
    const res = await register(app, { password: PASSWORD, ...payload })
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { code: 0, error: 'sms_code_invalid' }, name)
  }
  await invalid({ phone_number: phone, sms_code: wrongCode(code) }, 'wrong code')
  await invalid({ phone_number: phone, sms_code: 'abc' }, 'not even digits')
  await invalid({ phone_number: newPhone(), sms_code: code }, 'another number')

  const { phone: member } = await registerUser(await build(t))
  const resetCode = await codeFor(app, gateway, member, 'reset_password')
  await invalid({ phone_number: member, sms_code: resetCode }, 'a reset code is no register code (and no phone_taken is revealed)')

  await app.redis.pexpire(phoneKeys(phone).smsCode('register'), 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  await invalid({ phone_number: phone, sms_code: code }, 'expired code')
})

t.test('a code is dead after 5 wrong tries, even the right one', async (t) => {
  const { app, gateway } = await buildWithGateway(t, REQUIRED)
  const phone = newPhone()
  let code = await codeFor(app, gateway, phone, 'register')
  for (let i = 1; i <= 4; i++) {
    t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: wrongCode(code, i) })).statusCode, 400)
  }
  t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })).statusCode, 201, 'the 5th try may still be right')

  const next = newPhone()
  code = await codeFor(app, gateway, next, 'register')
  for (let i = 1; i <= 5; i++) {
    t.match((await register(app, { phone_number: next, password: PASSWORD, sms_code: wrongCode(code, i) })).json(), { error: 'sms_code_invalid' })
  }
  const res = await register(app, { phone_number: next, password: PASSWORD, sms_code: code })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 0, error: 'sms_code_invalid' })
  t.equal(await app.redis.exists(phoneKeys(next).smsCode('register')), 0, 'the dead code is deleted')

  // A new code brings new tries.
  await skipCooldown(app, next)
  code = await codeFor(app, gateway, next, 'register')
  t.equal((await register(app, { phone_number: next, password: PASSWORD, sms_code: code })).statusCode, 201)
})

t.test('a request refused for other bad input does not use the code up', async (t) => {
  const { app, gateway } = await buildWithGateway(t, REQUIRED)
  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'register')

  for (const payload of [
    { phone_number: phone, password: 'short', sms_code: code },
    { phone_number: phone, password: PASSWORD, nickname: '   ', sms_code: code },
    { phone_number: phone, password: 12345678, sms_code: code }
  ]) {
    const res = await register(app, payload)
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 0, error: 'validation_failed' })
  }
  t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })).statusCode, 201)
})

t.test('phone_taken is answered only for a right code, and leaves that code usable', async (t) => {
  const { app, gateway } = await buildWithGateway(t, REQUIRED)
  const phone = newPhone()
  const first = await codeFor(app, gateway, phone, 'register')
  t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: first })).statusCode, 201)

  await skipCooldown(app, phone)
  const code = await codeFor(app, gateway, phone, 'register')
  const wrong = await register(app, { phone_number: phone, password: PASSWORD, sms_code: wrongCode(code) })
  t.equal(wrong.statusCode, 400, 'a wrong code does not reveal that the number is registered')
  t.match(wrong.json(), { error: 'sms_code_invalid' })

  const taken = await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })
  t.equal(taken.statusCode, 409)
  t.same(taken.json(), { code: 0, error: 'phone_taken', message: 'this phone number is already registered' })
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 1, 'the code is still there')
  t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })).statusCode, 409, 'and still right')
})

t.test('PHONE_VERIFICATION=off (the default) registers without a code, but checks one that is sent', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  t.equal((await register(app, { phone_number: newPhone(), password: PASSWORD })).statusCode, 201)

  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'register')
  t.match((await register(app, { phone_number: phone, password: PASSWORD, sms_code: wrongCode(code) })).json(), { error: 'sms_code_invalid' })
  t.equal((await register(app, { phone_number: phone, password: PASSWORD, sms_code: code })).statusCode, 201)
})
