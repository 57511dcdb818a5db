import t from 'tap'
import { build, logIn, PASSWORD, registerUser, type App } from '../support/helper.js'
import { userKeys } from '../../src/redis/keys.js'
import { tokenDigest } from '../../src/sessions/store.js'

const sessionKey = (token: string) => {
  const [id = '', secret = ''] = token.split('.')
  return userKeys(Number(id)).sessionPrefix + tokenDigest(secret)
}
const getUser = (app: App, token: string) => app.inject({ method: 'GET', url: '/user', headers: { token } })
const listSessions = async (app: App, token: string) =>
  (await app.inject({ method: 'GET', url: '/sessions', headers: { token } })).json().sessions

t.test('GET /sessions shows what a person recognises a session by', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '2' })
  const { phone } = await registerUser(app)
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'user-agent': 'SesameApp/2.1 (iPhone; iOS 18)' },
    payload: { phone_number: phone, password: PASSWORD, device_name: "Ana's iPhone", app_version: '2.1.0' }
  })
  const token = res.json().token as string
  const plain = await logIn(app, phone)
  const [first, second] = await listSessions(app, plain)
  t.match(first, { user_agent: 'SesameApp/2.1 (iPhone; iOS 18)', device_name: "Ana's iPhone", app_version: '2.1.0', ip: '127.0.0.1', current: false })
  t.equal(first.last_seen_at, first.created_at, 'last seen at login')
  t.match(second, { device_name: null, app_version: null, current: true })
  t.ok(token)
})

t.test('last_seen_at is written at most once a minute, by the resolve that runs anyway', async (t) => {
  const app = await build(t)
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  const key = sessionKey(token)
  const thirtySecondsAgo = Date.now() - 30_000
  await app.redis.hset(key, 'last_seen_at', thirtySecondsAgo)
  t.equal((await getUser(app, token)).statusCode, 200)
  t.equal(Number(await app.redis.hget(key, 'last_seen_at')), thirtySecondsAgo, 'not rewritten within the minute')
  const twoMinutesAgo = Date.now() - 120_000
  await app.redis.hset(key, 'last_seen_at', twoMinutesAgo)
  const before = Date.now()
  t.equal((await getUser(app, token)).statusCode, 200)
  const seen = Number(await app.redis.hget(key, 'last_seen_at'))
  t.ok(seen >= before, 'rewritten after a minute')
  t.equal((await listSessions(app, token))[0].last_seen_at, new Date(seen).toISOString())
})

t.test('SESSION_MAX_LIFETIME_SECONDS ends a session that long after its login however much it slid', async (t) => {
  const app = await build(t, { SESSION_MAX_LIFETIME_SECONDS: '1000' })
  const { phone } = await registerUser(app)
  const login = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })
  t.equal(login.json().expires_in, 1000, 'expires_in never exceeds the lifetime')
  const token = login.json().token as string
  const key = sessionKey(token)
  t.ok(await app.redis.pttl(key) <= 1_000_000, 'the key expires by then')
  // Logged in 999 s ago, extended two days ago: it slides, but only up to the lifetime.
  await app.redis.hset(key, 'created_at', Date.now() - 999_000, 'extended_at', Date.now() - 2 * 86_400_000)
  t.equal((await getUser(app, token)).statusCode, 200)
  t.ok(await app.redis.pttl(key) <= 1000, 'sliding never goes past the lifetime')
  await app.redis.pexpire(key, 60_000)
  await app.redis.hset(key, 'created_at', Date.now() - 1_001_000)
  const res = await getUser(app, token)
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 2, error: 'token_invalid' })

  const unlimited = await build(t, { SESSION_MAX_LIFETIME_SECONDS: '0' })
  const other = await logIn(unlimited, (await registerUser(unlimited)).phone)
  await unlimited.redis.hset(sessionKey(other), 'created_at', Date.now() - 10 * 365 * 86_400_000)
  t.equal((await getUser(unlimited, other)).statusCode, 200, '0: no lifetime')
})

t.test('the default lifetime is 180 days', async (t) => {
  const app = await build(t)
  t.equal(app.config.SESSION_MAX_LIFETIME_SECONDS, 15_552_000)
})
