import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { allKeys, build, logIn, newPhone, PASSWORD, registerUser } from '../support/helper.js'
import { askForCode, buildWithGateway, codeFor, startGateway, wrongCode, type Gateway } from '../support/sms-helper.js'
import { phoneKeys, userKeys } from '../../src/redis/keys.js'
import { createPhoneCache } from '../../src/sessions/phone-change.js'
import type { App } from '../../src/app.js'

const SMS_ENV = { MAX_SESSIONS_PER_USER: '3', SMS_LIMIT_PER_PREFIX_HOURLY: '1000' }

const changePhone = (app: App, token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/user/phone', payload, headers: { token, ...headers } })

/** The texts the gateway got for `phone` that carry no code (notices), once `count` of them arrived. */
async function noticesTo (gateway: Gateway, phone: string, count = 1) {
  for (let i = 0; i < 200; i++) {
    const texts = gateway.requests.map((req) => JSON.parse(req.body) as { phone_number: string, text: string })
      .filter((m) => m.phone_number === phone && !/\d{6}/.test(m.text)).map((m) => m.text)
    if (texts.length >= count) return texts
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`no notice reached ${phone}`)
}

/** Lets `phone` be sent another code at once: the 60 s cooldown and the daily count of SPEC §9 are cleared. */
const freshLimits = (app: App, phone: string) => app.redis.del(phoneKeys(phone).smsCooldown, phoneKeys(phone).smsSent)

t.test('POST /user/phone moves the account; other sessions end on both instances; the old number is told', async (t) => {
  const gateway = await startGateway(t)
  const env = { ...SMS_ENV, SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/sms`, DEFAULT_COUNTRY: 'CN' }
  const [a, b] = [await build(t, env), await build(t, env)] as [App, App]
  const { phone: old, user } = await registerUser(a, newPhone(), PASSWORD, 'Mia')
  const [current, other] = [await logIn(a, old), await logIn(b, old)] as [string, string]
  const target = newPhone()
  const code = await codeFor(a, gateway, target, 'change_phone', { token: current })
  t.match(JSON.parse(gateway.requests.at(-1)?.body ?? '{}'), { phone_number: target, text: /move your account/ })

  // National input (DEFAULT_COUNTRY=CN) is read like every other route's.
  const res = await changePhone(a, current, { new_phone_number: target.slice(3), sms_code: code, password: PASSWORD })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'phone number changed', user: { ...user, phone_number: target } })

  for (const app of [a, b]) {
    const gone = await app.inject({ url: '/user', headers: { token: other } })
    t.equal(gone.statusCode, 401, 'the other session ends, on either instance')
    t.match(gone.json(), { code: 2, error: 'token_invalid' })
    const me = await app.inject({ url: '/user', headers: { token: current } })
    t.equal(me.statusCode, 200, 'this session stays')
    t.equal(me.json().phone_number, target, 'and the cached user has the new number at once')
  }
  t.equal(await a.redis.hget(userKeys(user.id).user, 'phone_number'), target)
  const [rows] = await a.mysql.query<RowDataPacket[]>('SELECT phone_number, phone_version FROM user WHERE id = ?', [user.id])
  t.same(rows.map((row) => ({ ...row })), [{ phone_number: target, phone_version: 1 }])
  t.equal(await a.redis.exists(phoneKeys(target).smsCode(`change_phone:u${user.id}`)), 0, 'the code is used up')

  t.equal((await b.inject({ method: 'POST', url: '/login', payload: { phone_number: target, password: PASSWORD } })).statusCode, 200, 'the new number logs in')
  t.equal((await b.inject({ method: 'POST', url: '/login', payload: { phone_number: old, password: PASSWORD } })).statusCode, 401, 'the old one does not')
  const [notice] = await noticesTo(gateway, old)
  t.match(notice, /moved to another phone number/)
  t.notMatch(notice, target.slice(-8), 'the notice does not name the new number')
  t.equal((await a.inject({ method: 'POST', url: '/register', payload: { phone_number: old, password: PASSWORD } })).statusCode, 201, 'the old number is free')
})

t.test('the notice follows Accept-Language', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone: old } = await registerUser(app)
  const token = await logIn(app, old)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  const res = await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD }, { 'accept-language': 'zh-CN' })
  t.equal(res.json().message, '手机号已更换')
  t.match((await noticesTo(gateway, old))[0], /【Sesame】.*不再使用本号码/)
})

t.test('a wrong password is 403, counts on the failure budget, and leaves the code usable', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { ...SMS_ENV, LOGIN_MAX_FAILURES: '2' })
  const { phone: old } = await registerUser(app)
  const token = await logIn(app, old)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  const wrong = await changePhone(app, token, { new_phone_number: target, sms_code: code, password: 'not the password' })
  t.equal(wrong.statusCode, 403)
  t.match(wrong.json(), { code: 0, error: 'wrong_password' })
  t.equal(await app.redis.get(phoneKeys(old).loginFailures), '1', 'counted on the number\'s budget')
  t.equal((await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD })).statusCode, 200, 'the code still works')
  t.equal(await app.redis.get(phoneKeys(target).loginFailures), '1', 'the account\'s failure count moved with it')
  t.equal(await app.redis.exists(phoneKeys(old).loginFailures), 0)

  await changePhone(app, token, { new_phone_number: newPhone(), sms_code: '000000', password: 'wrong again' })
  const locked = await changePhone(app, token, { new_phone_number: newPhone(), sms_code: '000000', password: PASSWORD })
  t.equal(locked.statusCode, 429, 'a spent budget refuses even the right password')
  t.ok(Number(locked.headers['retry-after']) > 0)
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: target, password: PASSWORD } })).statusCode, 429, 'the same budget as /login')
})

t.test('wrong, other-purpose, other-account, expired and used codes are 400 sms_code_invalid', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone, user } = await registerUser(app)
  const token = await logIn(app, phone)
  const otherToken = await logIn(app, (await registerUser(app)).phone)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  const invalid = async (payload: Record<string, unknown>, name: string, as = token) => {
    const res = await changePhone(app, as, { new_phone_number: target, password: PASSWORD, ...payload })
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { code: 0, error: 'sms_code_invalid' }, name)
  }
  await invalid({ sms_code: wrongCode(code) }, 'wrong code')
  await invalid({ sms_code: code }, 'another account cannot use the code sent for this one', otherToken)
  await invalid({ sms_code: code, new_phone_number: newPhone() }, 'a code for another number')
  await freshLimits(app, target)
  await invalid({ sms_code: await codeFor(app, gateway, target, 'register') }, 'a register code is no change_phone code')

  await freshLimits(app, target)
  const expiring = await codeFor(app, gateway, target, 'change_phone', { token })
  await app.redis.pexpire(phoneKeys(target).smsCode(`change_phone:u${user.id}`), 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  await invalid({ sms_code: expiring }, 'expired code')

  await freshLimits(app, target)
  const used = await codeFor(app, gateway, target, 'change_phone', { token })
  t.equal((await changePhone(app, token, { new_phone_number: target, sms_code: used, password: PASSWORD })).statusCode, 200)
  const next = newPhone()
  const code2 = await codeFor(app, gateway, next, 'change_phone', { token })
  t.equal((await changePhone(app, token, { new_phone_number: next, sms_code: code2, password: PASSWORD })).statusCode, 200)
  await invalid({ sms_code: used }, 'a used code')
})

t.test('bad input is 400 validation_failed, checked before anything else', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  for (const [payload, message] of [
    [{ new_phone_number: '12345', sms_code: code, password: PASSWORD }, /new_phone_number.*include the country code/],
    [{ new_phone_number: '+86 12', sms_code: code, password: PASSWORD }, /new_phone_number is not a possible phone number/],
    [{ new_phone_number: 8613800138000, sms_code: code, password: PASSWORD }, /new_phone_number/],
    [{ new_phone_number: phone.replace('+86', '0086'), sms_code: code, password: PASSWORD }, /already the number of this account/],
    [{ sms_code: code, password: PASSWORD }, /new_phone_number/],
    [{ new_phone_number: target, password: PASSWORD }, /sms_code/],
    [{ new_phone_number: target, sms_code: code }, /password/],
    [{ new_phone_number: target, sms_code: code, password: 'a\ud800b' }, /well-formed/]
  ] as const) {
    const res = await changePhone(app, token, payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { code: 0, error: 'validation_failed', message }, JSON.stringify(payload))
  }
  const none = await app.inject({ method: 'POST', url: '/user/phone', payload: { new_phone_number: target, sms_code: code, password: PASSWORD } })
  t.equal(none.statusCode, 401)
  t.equal(none.json().error, 'token_required')
  t.equal(await app.redis.get(phoneKeys(phone).loginFailures), null, 'no failure was counted')
  t.equal((await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD })).statusCode, 200, 'and the code was not used up')
})

t.test('a number that has an account is 409 phone_taken, and the code stays usable', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone, user } = await registerUser(app)
  const token = await logIn(app, phone)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  await registerUser(app, target) // someone registers the number between the code and its use
  const taken = await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD })
  t.equal(taken.statusCode, 409)
  t.same(taken.json(), { code: 0, error: 'phone_taken', message: 'this phone number is already registered' })
  t.equal(await app.redis.exists(phoneKeys(target).smsCode(`change_phone:u${user.id}`)), 1, 'the code is not used up')
  t.equal((await app.inject({ url: '/user', headers: { token } })).json().phone_number, phone, 'nothing changed')
})

t.test('the keys built from the old number follow: devices and codes dropped, SMS limits kept', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone: old } = await registerUser(app)
  const login = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: old, password: PASSWORD } })
  const { token, device_token: deviceToken } = login.json() as { token: string, device_token: string }
  await askForCode(app, old, 'reset_password')
  const target = newPhone()
  await freshLimits(app, target)
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  t.ok((await allKeys(app.redis, `*{p${old}}:device*`)).length > 0, 'a known device before')
  t.equal((await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD })).statusCode, 200)
  t.same((await allKeys(app.redis, `*{p${old}}*`)).sort(), [phoneKeys(old).smsCooldown, phoneKeys(old).smsSent].sort(),
    'only the number\'s own SMS limits are left under the old number')
  const again = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: target, password: PASSWORD, device_token: deviceToken } })
  t.equal(again.statusCode, 200)
  t.not(again.json().device_token, deviceToken, 'the old device token is not known for the new number')
})

t.test('the cached number never goes back in time', async (t) => {
  const { app, gateway } = await buildWithGateway(t, SMS_ENV)
  const { phone: old, user } = await registerUser(app)
  const token = await logIn(app, old)
  const target = newPhone()
  const code = await codeFor(app, gateway, target, 'change_phone', { token })
  t.equal((await changePhone(app, token, { new_phone_number: target, sms_code: code, password: PASSWORD })).statusCode, 200)
  const cached = () => app.redis.hget(userKeys(user.id).user, 'phone_number')

  // A login that read the row before the change and writes its session after it.
  const stale = { id: user.id, phoneNumber: old, nickname: null, registerTime: user.register_time, phoneVersion: 0 }
  const session = await app.sessions.create(stale, 'late login')
  t.equal(await cached(), target, 'a session created from the old row keeps the new number in the cache')
  await app.sessions.create({ ...stale, phoneVersion: undefined }, 'late login, version unknown')
  t.equal(await cached(), target, 'nor does a write that does not know its version')
  t.equal((await app.inject({ url: '/user', headers: { token: session.token } })).json().phone_number, target)

  // Two changes whose Redis writes arrive out of order: the older one is ignored.
  const moveCache = createPhoneCache(app.redis)
  await moveCache(user.id, '', '+8613900000002', 3)
  await moveCache(user.id, '', '+8613900000001', 2)
  t.equal(await cached(), '+8613900000002')
  t.equal(await app.redis.hget(userKeys(user.id).user, 'phone_version'), '3')
})

t.test('50 users move to one number at once on two instances: one 200, 49 409, no 500', async (t) => {
  const gateway = await startGateway(t)
  const env = { ...SMS_ENV, SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/sms` }
  const [a, b] = [await build(t, env), await build(t, env)] as [App, App]
  const target = newPhone()
  const users = []
  for (let i = 0; i < 50; i++) {
    const { phone } = await registerUser(i % 2 === 0 ? a : b)
    const [token, other] = [await logIn(a, phone), await logIn(b, phone)] as [string, string]
    await freshLimits(a, target)
    const code = await codeFor(i % 2 === 0 ? b : a, gateway, target, 'change_phone', { token })
    users.push({ phone, token, other, code })
  }
  const replies = await Promise.all(users.map((u, i) =>
    changePhone(i % 2 === 0 ? a : b, u.token, { new_phone_number: target, sms_code: u.code, password: PASSWORD })))
  const statuses = replies.map((res) => res.statusCode)
  t.equal(statuses.filter((s) => s === 200).length, 1, 'exactly one moves')
  t.equal(statuses.filter((s) => s === 409).length, 49, `the others are phone_taken: ${statuses.join(',')}`)
  for (const res of replies.filter((r) => r.statusCode === 409)) t.equal(res.json().error, 'phone_taken')

  const winner = users[statuses.indexOf(200)]
  if (winner === undefined) throw new Error('no winner')
  const [rows] = await a.mysql.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM user WHERE phone_number = ?', [target])
  t.equal(Number(rows[0]?.n), 1)
  for (const app of [a, b]) {
    t.match((await app.inject({ url: '/user', headers: { token: winner.other } })).json(), { code: 2, error: 'token_invalid' }, 'the winner\'s other session ended on both')
    t.equal((await app.inject({ url: '/user', headers: { token: winner.token } })).json().phone_number, target)
  }
  const losers = users.filter((u) => u !== winner)
  const still = await Promise.all(losers.map(async (u, i) => (await (i % 2 === 0 ? b : a).inject({ url: '/user', headers: { token: u.other } })).json()))
  t.ok(still.every((me, i) => me.phone_number === losers[i]?.phone), 'the losers keep their number and their other sessions')
})
