import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { allKeys, build, logIn, loggedInUser, registerUser } from './support/helper.js'
import { parseToken, SLIDE_AFTER_MS, tokenDigest } from '../src/sessions/store.js'
import { userKeys } from '../src/redis/keys.js'

const SECRET = 'A'.repeat(43)

t.test('parseToken takes <user id>.<43-char base64url secret> and nothing else', async (t) => {
  t.same(parseToken(`42.${SECRET}`), { userId: 42, secret: SECRET })
  for (const bad of ['', SECRET, `.${SECRET}`, `0.${SECRET}`, `01.${SECRET}`, `-1.${SECRET}`, `4x.${SECRET}`,
    `42.${SECRET}A`, `42.${SECRET.slice(1)}`, `42.${SECRET.slice(1)}=`, `42.${SECRET.slice(1)}+`, `42..${SECRET}`, `${'9'.repeat(17)}.${SECRET}`]) {
    t.equal(parseToken(bad), null, JSON.stringify(bad.slice(0, 24)))
  }
})

t.test('digestOf is the unpadded base64url SHA-256 of the secret', async (t) => {
  t.equal(tokenDigest('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
})

t.test('Redis never holds a raw token, only digests', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '3' })
  const tokens: string[] = []
  for (let i = 0; i < 3; i++) {
    const { phone } = await registerUser(app)
    tokens.push(await logIn(app, phone), await logIn(app, phone))
  }
  const secrets = tokens.map((token) => token.split('.')[1] ?? token)
  const keys = await allKeys(app.redis, '*')
  t.ok(keys.length >= 9, 'there is something to scan')
  const everything: string[] = [...keys]
  for (const key of keys) {
    const type = await app.redis.type(key)
    if (type === 'hash') everything.push(...Object.entries(await app.redis.hgetall(key)).flat())
    else if (type === 'zset') everything.push(...await app.redis.zrange(key, '0', '-1'))
    else if (type === 'string') everything.push(await app.redis.get(key) ?? '')
    else if (type === 'set') everything.push(...await app.redis.smembers(key))
    else if (type === 'list') everything.push(...await app.redis.lrange(key, '0', '-1'))
  }
  const dump = everything.join('\n')
  for (const [i, secret] of secrets.entries()) {
    t.notOk(dump.includes(secret), `secret ${i} is not in Redis`)
    t.notOk(dump.includes(tokens[i] ?? '?'), `token ${i} is not in Redis`)
  }
  t.ok(secrets.some((secret) => dump.includes(tokenDigest(secret))), 'the digests are')
})

t.test("a user's keys share one hash tag, so they land in one Redis Cluster slot", async (t) => {
  const app = await build(t)
  const { user } = await loggedInUser(app)
  const keys = await allKeys(app.redis, `*{u${user.id}}*`)
  t.equal(keys.length, 3, 'user hash, session index, one session')
  for (const key of keys) t.equal(/\{([^}]*)\}/.exec(key)?.[1], `u${user.id}`, key)
})

t.test('the cached user hash keeps the original field names', async (t) => {
  const app = await build(t)
  const { user } = await loggedInUser(app, 'Mia')
  t.match(await app.redis.hgetall(userKeys(user.id).user), { nickname: 'Mia', phone_number: user.phone_number, app_online: '1' })
})

t.test('sessions expire after SESSION_TTL_SECONDS', async (t) => {
  const app = await build(t, { SESSION_TTL_SECONDS: '1' })
  const { token, user } = await loggedInUser(app)
  const ttl = await app.redis.pttl(userKeys(user.id).index)
  t.ok(ttl > 0 && ttl <= 1000, `index expires too (${ttl} ms)`)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  await sleep(1100)
  const res = await app.inject({ method: 'GET', url: '/user', headers: { token } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 2)
})

const sessionKeyOf = (token: string) => {
  const parsed = parseToken(token)
  if (parsed === null) throw new Error('bad token')
  return userKeys(parsed.userId).sessionPrefix + tokenDigest(parsed.secret)
}

t.test('a session used more than a day after its last extension gets a fresh TTL', async (t) => {
  const app = await build(t, { SESSION_TTL_SECONDS: '7200' })
  const { token } = await loggedInUser(app)
  const key = sessionKeyOf(token)
  await app.redis.hset(key, 'extended_at', Date.now() - SLIDE_AFTER_MS - 1000)
  await app.redis.pexpire(key, 60_000)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  const ttl = await app.redis.pttl(key)
  t.ok(ttl > 7_000_000, `TTL slid back to the full 2 h (${ttl} ms)`)
})

t.test('a session used within a day of its last extension keeps its TTL', async (t) => {
  const app = await build(t, { SESSION_TTL_SECONDS: '7200' })
  const { token } = await loggedInUser(app)
  const key = sessionKeyOf(token)
  await app.redis.pexpire(key, 60_000)
  await app.inject({ method: 'GET', url: '/user', headers: { token } })
  t.ok(await app.redis.pttl(key) <= 60_000)
})

t.test('SESSION_SLIDING=false never extends a session', async (t) => {
  const app = await build(t, { SESSION_TTL_SECONDS: '7200', SESSION_SLIDING: 'false' })
  const { token } = await loggedInUser(app)
  const key = sessionKeyOf(token)
  await app.redis.hset(key, 'extended_at', Date.now() - SLIDE_AFTER_MS - 1000)
  await app.redis.pexpire(key, 60_000)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  t.ok(await app.redis.pttl(key) <= 60_000)
})

t.test('an expired session leaves the index at the next change, and app_online follows', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '2' })
  const { token, phone, user } = await loggedInUser(app)
  const other = await logIn(app, phone)
  await app.redis.del(sessionKeyOf(other)) // as if it had expired
  await app.inject({ method: 'POST', url: '/logout', headers: { token } })
  t.equal(await app.redis.zcard(userKeys(user.id).index), 0)
  t.equal(await app.redis.hget(userKeys(user.id).user, 'app_online'), '0')
})
