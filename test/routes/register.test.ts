import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { build, logIn, newPhone, PASSWORD } from '../support/helper.js'

const register = (app: Awaited<ReturnType<typeof build>>, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/register', payload })

t.test('registers a user: 201 with the user', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  const res = await register(app, { phone_number: phone, password: PASSWORD, nickname: 'Ann' })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, { code: 1, message: String, user: { phone_number: phone, nickname: 'Ann' } })
  t.ok(Number.isInteger(body.user.id) && body.user.id > 0, 'id is a JSON integer')
  t.equal(new Date(body.user.register_time).toISOString(), body.user.register_time, 'register_time is ISO-8601')
  t.same(Object.keys(body.user).sort(), ['id', 'nickname', 'phone_number', 'register_time'])
})

t.test('stores an argon2id hash, never the password', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  await register(app, { phone_number: phone, password: PASSWORD })
  const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT password_hash FROM user WHERE phone_number = ?', [phone])
  t.match(rows[0]?.password_hash, /^\$argon2id\$/)
  t.notMatch(rows[0]?.password_hash, PASSWORD)
})

t.test('trims the phone number and the nickname', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  const res = await register(app, { phone_number: `  ${phone} `, password: PASSWORD, nickname: '  Bo  ' })
  t.equal(res.statusCode, 201)
  t.match(res.json().user, { phone_number: phone, nickname: 'Bo' })
  t.ok(await logIn(app, phone), 'logs in with the trimmed number')
})

t.test('nickname may be absent or null', async (t) => {
  const app = await build(t)
  for (const payload of [{}, { nickname: null }]) {
    const res = await register(app, { phone_number: newPhone(), password: PASSWORD, ...payload })
    t.equal(res.statusCode, 201)
    t.equal(res.json().user.nickname, null)
  }
})

t.test('nickname limits: 1 to 30 characters after trimming, any Unicode', async (t) => {
  const app = await build(t)
  const ok = ['x', 'a'.repeat(30), '小'.repeat(30), '🚀'.repeat(30), ` ${'b'.repeat(30)} `]
  for (const nickname of ok) {
    const res = await register(app, { phone_number: newPhone(), password: PASSWORD, nickname })
    t.equal(res.statusCode, 201, `accepts ${nickname.length} code units`)
    t.equal(res.json().user.nickname, nickname.trim())
  }
  for (const nickname of ['', '   ', '\n\t', 'a'.repeat(31), '🚀'.repeat(31)]) {
    const res = await register(app, { phone_number: newPhone(), password: PASSWORD, nickname })
    t.equal(res.statusCode, 400, `refuses ${JSON.stringify(nickname.slice(0, 5))}… (${nickname.length})`)
    t.match(res.json(), { code: 0, error: 'validation_failed', message: /nickname/ })
  }
})

t.test('phone number must be a possible number with its country code (SPEC §2)', async (t) => {
  const app = await build(t)
  for (const phone of [newPhone(), ` ${newPhone()} `, newPhone().replace('+86', '0086')]) {
    const res = await register(app, { phone_number: phone, password: PASSWORD })
    t.equal(res.statusCode, 201, `accepts ${phone}`)
    t.match(res.json().user.phone_number, /^\+86138[0-9]{8}$/, 'returned in E.164')
  }
  for (const phone of ['12345', '123456', '+1234567890123456', '13800138000', '++8613800138000', '+86138001380a0', '+', '', '١٢٣٤٥٦٧', 'x'.repeat(41)]) {
    const res = await register(app, { phone_number: phone, password: PASSWORD })
    t.equal(res.statusCode, 400, `refuses ${JSON.stringify(phone)}`)
    t.equal(res.json().error, 'validation_failed')
  }
})

t.test('password length follows PASSWORD_MIN_LENGTH, up to 128 characters', async (t) => {
  const app = await build(t)
  t.equal((await register(app, { phone_number: newPhone(), password: '1234567' })).statusCode, 400, '7 < 8')
  t.equal((await register(app, { phone_number: newPhone(), password: 'kq7#zw9b' })).statusCode, 201, '8')
  t.equal((await register(app, { phone_number: newPhone(), password: 'p'.repeat(128) })).statusCode, 201, '128')
  t.equal((await register(app, { phone_number: newPhone(), password: 'p'.repeat(129) })).statusCode, 400, '129')
  const unicode = 'пароль🔑密码ß'
  const phone = newPhone()
  t.equal((await register(app, { phone_number: phone, password: unicode })).statusCode, 201, 'any Unicode')
  t.ok(await logIn(app, phone, unicode))

  const lenient = await build(t, { PASSWORD_MIN_LENGTH: '4' })
  t.equal((await register(lenient, { phone_number: newPhone(), password: 'q7#z' })).statusCode, 201, 'configured minimum')
})

t.test('a taken phone number is 409 phone_taken, and the first user is untouched', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  t.equal((await register(app, { phone_number: phone, password: PASSWORD })).statusCode, 201)
  const res = await register(app, { phone_number: ` ${phone}`, password: 'another password' })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 0, error: 'phone_taken' })
  t.ok(await logIn(app, phone, PASSWORD), 'the original password still works')
})

t.test('missing fields and unknown fields', async (t) => {
  const app = await build(t)
  t.equal((await register(app, { password: PASSWORD })).statusCode, 400)
  t.equal((await register(app, { phone_number: newPhone() })).statusCode, 400)
  const res = await register(app, { phone_number: newPhone(), password: PASSWORD, admin: true, id: 1 })
  t.equal(res.statusCode, 201, 'unknown fields are ignored')
  t.not(res.json().user.id, 1)
})
