import t from 'tap'
import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import type { App } from '../src/app.js'
import { parseToken, tokenDigest } from '../src/sessions/store.js'
import { userKeys } from '../src/redis/keys.js'
import { PASSWORD, logIn, registerUser } from './support/helper.js'
import { buildOn, ownServices } from './support/own-services.js'
import { countSessionKeys, findSessionInconsistencies } from './support/redis-consistency.js'

// SPEC §3: a login or logout either fully happens or leaves nothing behind, even when Redis dies half-way.
// Redis keeps an append-only file fsynced at every write, so what it acknowledged survives a SIGKILL.
const TTL_MS = 2_592_000_000
const services = await ownServices(t, { persistentRedis: true, redisArgs: ['--appendfsync', 'always'] })
const single = await buildOn(t, services, { MAX_SESSIONS_PER_USER: '1' })
const multi = await buildOn(t, services, { MAX_SESSIONS_PER_USER: '3' })

interface Account { app: App, phone: string, id: number, max: number, tokens: string[] }
const accounts: Account[] = []
for (const [app, max] of [[single, 1], [multi, 3]] as const) {
  for (let i = 0; i < 4; i++) {
    const { phone, user } = await registerUser(app)
    accounts.push({ app, phone, id: user.id, max, tokens: [] })
  }
}
const options = {
  sessionTtlMs: TTL_MS,
  knownUserIds: new Set(accounts.map((account) => account.id)),
  maxSessions: (userId: number) => accounts.find((account) => account.id === userId)?.max ?? 0
}

const inspector = () => {
  const redis = new Redis(services.redis.url, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {}) // it outlives the kill below
  t.teardown(() => redis.quit())
  return redis
}

t.test('the checker finds each kind of half-written state', async (t) => {
  const redis = inspector()
  const [one, two, three] = accounts.slice(4)
  if (one === undefined || two === undefined || three === undefined) throw new Error('accounts missing')
  for (const account of [one, two, three]) account.tokens.push(await logIn(account.app, account.phone), await logIn(account.app, account.phone))
  t.same(await findSessionInconsistencies(redis, options), [], 'real logins are consistent')

  const digestFor = (token: string) => tokenDigest(parseToken(token)?.secret ?? '')
  const damage: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['a session without its index entry', () => redis.zrem(userKeys(one.id).index, digestFor(one.tokens[0] ?? '')), /has no index entry/],
    ['an index entry without its session', () => redis.del(userKeys(one.id).sessionPrefix + digestFor(one.tokens[1] ?? '')), /index entry .* has no session/],
    ['a half-written session', () => redis.hdel(userKeys(two.id).sessionPrefix + digestFor(two.tokens[0] ?? ''), 'user_agent'), /half-written/],
    ['sessions of a user who is not cached', () => redis.del(userKeys(two.id).user), /resolve to no cached user/],
    ['app_online 0 with live sessions', () => redis.hset(userKeys(three.id).user, 'app_online', '0'), /app_online is 0 with 2 live sessions/],
    ['a session that never expires', () => redis.persist(userKeys(three.id).sessionPrefix + digestFor(three.tokens[0] ?? '')), /never expires/],
    ['a half-written cached user', () => redis.hset(userKeys(9_999_999).user, 'app_online', '0'), /cached user is half-written/]
  ]
  for (const [name, corrupt, expected] of damage) {
    await corrupt()
    t.match((await findSessionInconsistencies(redis, options)).join('\n'), expected, name)
  }
  t.match((await findSessionInconsistencies(redis, { ...options, maxSessions: () => 1 })).join('\n'), /more than the limit of 1/, 'over the limit')
  t.match((await findSessionInconsistencies(redis, { ...options, knownUserIds: new Set() })).join('\n'), /not a known user/, 'unknown user')
  // Undo the damage for the next test: these users start over.
  for (const account of [one, two, three]) {
    await redis.del(userKeys(account.id).user, userKeys(account.id).index, ...await redis.keys(`${userKeys(account.id).sessionPrefix}*`))
    account.tokens = []
  }
  await redis.del(userKeys(9_999_999).user)
  t.same(await findSessionInconsistencies(redis, options), [], 'clean again')
})

type Outcome = 'ok' | 'unavailable' | 'other'
const outcome = (status: number): Outcome => status === 200 ? 'ok' : status === 503 ? 'unavailable' : 'other'

/** One random step of a busy client: mostly logins, then logouts, logouts everywhere and reads. */
async function step (account: Account): Promise<[string, Outcome]> {
  const roll = randomInt(100)
  const token = account.tokens[randomInt(Math.max(account.tokens.length, 1))]
  if (roll < 50 || token === undefined) {
    const res = await account.app.inject({ method: 'POST', url: '/login', payload: { phone_number: account.phone, password: PASSWORD } })
    if (res.statusCode === 200) account.tokens.push(res.json<{ token: string }>().token)
    return ['login', outcome(res.statusCode)]
  }
  if (roll < 80) {
    const res = await account.app.inject({ method: 'POST', url: '/logout', headers: { token } })
    return ['logout', res.statusCode === 401 ? 'ok' : outcome(res.statusCode)] // 401: already revoked by a later login
  }
  if (roll < 90) {
    const res = await account.app.inject({ method: 'POST', url: '/logout/all', headers: { token } })
    return ['logout/all', res.statusCode === 401 ? 'ok' : outcome(res.statusCode)]
  }
  const res = await account.app.inject({ method: 'GET', url: '/user', headers: { token } })
  return ['user', res.statusCode === 401 ? 'ok' : outcome(res.statusCode)]
}

t.test('Redis killed (SIGKILL) during a burst of logins and logouts leaves no half-written session', async (t) => {
  const tally = new Map<string, number>()
  const burst = { running: true }
  const worker = async () => {
    while (burst.running) {
      const account = accounts[randomInt(accounts.length)]
      if (account === undefined) continue
      const [action, result] = await step(account)
      tally.set(`${action} ${result}`, (tally.get(`${action} ${result}`) ?? 0) + 1)
      if (result !== 'ok') await sleep(5)
    }
  }
  const workers = Array.from({ length: 16 }, worker)
  await sleep(1500)
  await services.stopRedis('SIGKILL')
  await sleep(300)
  burst.running = false
  await Promise.all(workers)
  const counts = Object.fromEntries(tally)
  t.comment(JSON.stringify(counts))
  t.ok((tally.get('login ok') ?? 0) >= 10 && (tally.get('logout ok') ?? 0) >= 5, 'the burst did real work before the kill', counts)
  t.ok([...tally.keys()].some((key) => key.endsWith('unavailable')), 'and met the dead Redis', counts)
  t.notOk([...tally.keys()].some((key) => key.endsWith('other')), 'no answer but success or 503', counts)

  await services.startRedis()
  const redis = inspector()
  const found = await countSessionKeys(redis)
  t.ok(found.users >= 4 && found.sessions >= 4, `state survived the crash (${found.users} cached users, ${found.sessions} sessions)`)
  t.same(await findSessionInconsistencies(redis, options), [], 'every session is whole, indexed and resolves to a user; app_online agrees')

  // And Sesame carries on by itself.
  const deadline = Date.now() + 10_000
  let recovered = false
  while (!recovered && Date.now() < deadline) {
    recovered = (await step({ ...accounts[0] as Account, tokens: [] }))[1] === 'ok'
    if (!recovered) await sleep(100)
  }
  t.ok(recovered, 'logins work again')
  for (const account of accounts) {
    for (const token of account.tokens) {
      const res = await account.app.inject({ method: 'GET', url: '/user', headers: { token } })
      if (res.statusCode !== 200 && res.statusCode !== 401) t.fail(`GET /user answered ${res.statusCode}`)
    }
  }
  t.same(await findSessionInconsistencies(redis, options), [], 'still consistent after more traffic')
})
