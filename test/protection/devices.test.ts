import t from 'tap'
import { allKeys, build, newPhone, PASSWORD, registerUser, type App } from '../support/helper.js'
import { phoneKeys } from '../../src/redis/keys.js'

const login = (app: App, phone: string, password: string, extra: object = {}) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password, ...extra } })

t.test('a stranger failing on purpose locks the number, but not the owner\'s known phone', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const first = await login(app, phone, PASSWORD)
  t.equal(first.statusCode, 200)
  const deviceToken = first.json().device_token as string
  t.match(deviceToken, /^[A-Za-z0-9_-]{43}$/, '32 bytes, unpadded base64url')

  for (let i = 0; i < 5; i++) t.equal((await login(app, phone, 'a stranger guessing')).statusCode, 401)
  const stranger = await login(app, phone, PASSWORD)
  t.equal(stranger.statusCode, 429, 'without the device token even the right password waits')
  t.equal(stranger.json().error, 'rate_limited')
  t.equal((await login(app, phone, PASSWORD, { device_token: 'forged'.padEnd(43, 'x') })).statusCode, 429, 'an unknown device token is the shared budget')

  const owner = await login(app, phone, PASSWORD, { device_token: deviceToken })
  t.equal(owner.statusCode, 200, 'the owner\'s phone logs in')
  const rotated = owner.json().device_token as string
  t.not(rotated, deviceToken, 'a fresh device token each login')
  t.equal((await login(app, phone, PASSWORD, { device_token: deviceToken })).statusCode, 429, 'the replaced token is gone')
  t.equal((await login(app, phone, PASSWORD, { device_token: rotated })).statusCode, 200)
  t.equal((await login(app, phone, PASSWORD)).statusCode, 429, 'the owner\'s success does not lift the stranger\'s lockout')
})

t.test('a known device has a budget of its own, which is also limited', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const deviceToken = (await login(app, phone, PASSWORD)).json().device_token as string
  for (let i = 0; i < 5; i++) t.equal((await login(app, phone, 'a typo here', { device_token: deviceToken })).statusCode, 401)
  t.equal((await login(app, phone, PASSWORD, { device_token: deviceToken })).statusCode, 429, 'its own budget is spent')
  t.equal(await app.redis.exists(phoneKeys(phone).loginBudget), 0, 'the number\'s shared budget was not touched')
  t.equal((await login(app, phone, PASSWORD)).statusCode, 200, 'another device can still log in')
})

t.test('stored only hashed, for 180 days; dropped by a password change and by a reset', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const res = await login(app, phone, PASSWORD)
  const { device_token: deviceToken, token } = res.json()
  const keys = await allKeys(app.redis, 'sesame:*')
  for (const key of keys) {
    t.notOk(key.includes(deviceToken), 'not in a key name')
    const type = await app.redis.type(key)
    const values = type === 'string' ? [await app.redis.get(key)] : type === 'set' ? await app.redis.smembers(key) : type === 'hash' ? Object.values(await app.redis.hgetall(key)) : []
    t.notOk(values.some((v) => v?.includes(deviceToken)), `not in the value of ${key}`)
  }
  const [deviceKey] = await allKeys(app.redis, `${phoneKeys(phone).devicePrefix}*`)
  const ttl = await app.redis.ttl(deviceKey ?? '')
  t.ok(ttl > 179 * 86_400 && ttl <= 180 * 86_400, `valid 180 days (${ttl} s)`)

  const newPassword = 'a fresh passphrase here'
  const change = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: newPassword } })
  t.equal(change.statusCode, 200)
  t.same(await allKeys(app.redis, `${phoneKeys(phone).devicePrefix}*`), [], 'the change dropped it')
  for (let i = 0; i < 5; i++) await login(app, phone, 'a stranger guessing')
  t.equal((await login(app, phone, newPassword, { device_token: deviceToken })).statusCode, 429, 'no longer a known device')
})

t.test('a password reset drops the number\'s devices', async (t) => {
  const { buildWithGateway, codeFor } = await import('../support/sms-helper.js')
  const { app, gateway } = await buildWithGateway(t)
  const phone = newPhone()
  await registerUser(app, phone)
  await login(app, phone, PASSWORD)
  t.equal((await allKeys(app.redis, `${phoneKeys(phone).devicePrefix}*`)).length, 1)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  const reset = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: code, new_password: 'reset to this passphrase' } })
  t.equal(reset.statusCode, 200)
  t.same(await allKeys(app.redis, `${phoneKeys(phone).devicePrefix}*`), [])
})
