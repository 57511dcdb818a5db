import t from 'tap'
import { build, loggedInUser, redisEnvOf } from '../support/helper.js'

const KEY = 'k'.repeat(40)
const OTHER_KEY = 'o'.repeat(32)
const env = { SERVICE_KEYS: `${KEY},${OTHER_KEY}` }
const introspect = (app: Awaited<ReturnType<typeof build>>, token: unknown, key: string | null = KEY, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/introspect', payload: { token }, headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers } })

for (const target of ['single Redis', 'Redis Cluster'] as const) {
  t.test(`${target}: a live token is active with its user, session and lifetime; any other token is inactive`, async (t) => {
    const app = await build(t, { ...env, ...await redisEnvOf(target) })
    const { token, user } = await loggedInUser(app, 'Ana')
    const live = await introspect(app, token)
    t.equal(live.statusCode, 200)
    const body = live.json()
    t.match(body, { code: 1, active: true, user: { id: user.id, phone_number: user.phone_number, nickname: 'Ana' } })
    t.type(body.session_id, 'string')
    t.ok(body.expires_in > 2_591_000 && body.expires_in <= 2_592_000, `expires_in ${body.expires_in}`)
    const sessions = (await app.inject({ method: 'GET', url: '/sessions', headers: { token } })).json().sessions
    t.equal(body.session_id, sessions[0].id, 'session_id is the id GET /sessions shows')
    t.ok((await introspect(app, token, OTHER_KEY)).json().active, 'every key in SERVICE_KEYS works')

    await app.inject({ method: 'POST', url: '/logout', headers: { token } })
    const dead = await introspect(app, token)
    t.equal(dead.statusCode, 200)
    t.same(dead.json(), { code: 1, message: 'token is not active', active: false }, 'a revoked token is an answer, not an error')
    for (const garbage of ['nope', `${user.id}.${'A'.repeat(43)}`, '']) {
      t.same((await introspect(app, garbage)).json().active, false, `"${garbage}" is inactive`)
    }
  })
}

t.test('a wrong or missing service key is 401 service_key_invalid, and counts against the per-IP budget', async (t) => {
  const app = await build(t, { ...env, IP_RATE_LIMIT_PER_MINUTE: '8' })
  const { token } = await loggedInUser(app) // register and login draw on the same budget
  for (const [name, key] of [['missing', null], ['wrong', 'w'.repeat(40)], ['a prefix of a key', KEY.slice(0, 39)], ['the user token', token]] as const) {
    const res = await introspect(app, token, key)
    t.equal(res.statusCode, 401, `${name}: status`)
    t.same([res.json().code, res.json().error], [0, 'service_key_invalid'], `${name}: error`)
  }
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await introspect(app, token, 'x'.repeat(40))).statusCode)
  t.ok(statuses.includes(429), `wrong keys run out of the budget: ${statuses.join(' ')}`)
  const limited = await introspect(app, token, 'x'.repeat(40))
  t.equal(limited.json().error, 'rate_limited')
  t.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After on the 429')
  for (let i = 0; i < 10; i++) t.equal((await introspect(app, token)).json().active, true, 'the right key never counts')
})

t.test('without SERVICE_KEYS every call is refused', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  const res = await introspect(app, token, KEY)
  t.equal(res.statusCode, 401)
  t.equal(res.json().error, 'service_key_invalid')
})

t.test('the OpenAPI document has /introspect under its own tag and security scheme', async (t) => {
  const app = await build(t, env)
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  t.same(doc.paths['/introspect'].post.security, [{ serviceKey: [] }])
  t.same(doc.paths['/introspect'].post.tags, ['introspection'])
  t.match(doc.components.securitySchemes.serviceKey, { type: 'http', scheme: 'bearer' })
})

t.test('wrong service keys sent at once to two instances share one per-IP budget', async (t) => {
  // An address of its own (TRUST_PROXY): the other tests in this file spend 127.0.0.1's budget in the same minute.
  const budget = { ...env, IP_RATE_LIMIT_PER_MINUTE: '10', TRUST_PROXY: 'true' }
  const apps = [await build(t, budget), await build(t, budget)]
  const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    (apps[i % 2] as Awaited<ReturnType<typeof build>>).inject({ method: 'POST', url: '/introspect', payload: { token: 'x' }, headers: { authorization: `Bearer ${'w'.repeat(40)}`, 'x-forwarded-for': '198.51.100.7' } })))
  const refused = replies.filter((res) => res.statusCode === 401).length
  t.equal(refused, 10, 'exactly the budget of wrong keys is answered 401')
  t.equal(replies.filter((res) => res.statusCode === 429).length, 30, 'the rest are 429 rate_limited')
})
