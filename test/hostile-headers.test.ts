// Property tests: generated hostile tokens, headers and URLs at every route (SPEC §1, §3, §5).
import assert from 'node:assert/strict'
import t from 'tap'
import fc from 'fast-check'
import { build, logIn, newPhone, PASSWORD, registerUser } from './support/helper.js'
import { AUTH_ROUTES, Guard, property, ROUTES, SQL_PAYLOADS, hostileString } from './support/hostile.js'

const app = await build(t, { LOGIN_MAX_FAILURES: '1000000', MAX_SESSIONS_PER_USER: '100' })
const victim = await registerUser(app, newPhone(), PASSWORD, 'Victim')
const token = await logIn(app, victim.phone)
await logIn(app, victim.phone) // a second device, which a wrongly accepted logout/all would end
const guard = new Guard(app)

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const b64url = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...B64URL), minLength: min, maxLength: max })

/** Tokens that are not the victim's: random, huge, non-ASCII, well-shaped but unknown, and near misses of the real one. */
const hostileToken = fc.oneof(
  hostileString,
  fc.constantFrom(...SQL_PAYLOADS).map((sql) => `${victim.user.id}.${sql}`),
  fc.constantFrom('a', 'é', '🚀', '0', '.', '\u0000', '%', '*').map((char) => char.repeat(10_000)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => s.padEnd(10_000, 'ß')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => /[^\x20-\x7e]/.test(s)),
  fc.tuple(fc.stringMatching(/^[0-9]{1,20}$/), b64url(0, 50)).map(([id, secret]) => `${id}.${secret}`),
  b64url(43, 43).map((secret) => `${victim.user.id}.${secret}`),
  fc.constantFrom('*', '{u1}', `${victim.user.id}.*`, `${victim.user.id}.`, `.${token.split('.')[1] ?? ''}`, '1.{u1}:s:*', `${victim.user.id}..${'A'.repeat(42)}`),
  // near misses of the real token: one character changed, one added, the id changed, the case swapped, truncated
  fc.tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...B64URL, '.', '=', '+', '/', 'é'))
    .map(([i, char]) => token.slice(0, i) + char + token.slice(i + 1)),
  fc.constantFrom('=', 'A', '.', '\u0000', 'é').map((char) => token + char),
  fc.integer({ min: 1, max: 2 ** 53 }).map((id) => `${id}${token.slice(token.indexOf('.'))}`),
  fc.constant(token.toUpperCase()),
  fc.nat({ max: token.length - 1 }).map((n) => token.slice(0, n))
).filter((candidate) => candidate.trim() !== token)

const placement = fc.constantFrom('token', 'bearer', 'authorization', 'both', 'token array', 'bearer lowercase')

function headersFor (where: string, value: string): Record<string, string | string[]> {
  switch (where) {
    case 'token': return { token: value }
    case 'bearer': return { authorization: `Bearer ${value}` }
    case 'authorization': return { authorization: value }
    case 'both': return { token: value, authorization: `Bearer ${value}x` }
    case 'token array': return { token: [value, value] }
    default: return { authorization: `bearer   ${value}  ` }
  }
}

t.test('hostile tokens at every authenticated route: 401, and nothing changes', async (t) => {
  const arbitrary = fc.record({ route: fc.constantFrom(...AUTH_ROUTES), value: hostileToken, where: placement })
  await property(t, 'hostile tokens', arbitrary, async ({ route, value, where }) => {
    const { res, body } = await guard.send({ method: route.method, url: route.url, headers: headersFor(where, value) })
    const what = `${where} ${JSON.stringify(value.slice(0, 80))} → ${res.statusCode} ${res.body}`
    // Validation runs before authentication, so a route with a body schema may answer 400 first.
    if (route.fields !== undefined && res.statusCode === 400) return
    assert.equal(res.statusCode, 401, what)
    if (where === 'token' && value.trim() !== '') assert.equal(body.error, 'token_invalid', what)
    assert.ok(body.error === 'token_invalid' || body.error === 'token_required', what)
  }, 250)
  // The real token still works after all that, and the user is still who they were.
  const res = await guard.send({ method: 'GET', url: '/user', headers: { token } })
  t.equal(res.res.statusCode, 200)
  t.equal(res.body.nickname, 'Victim')
  const sessions = await guard.send({ method: 'GET', url: '/sessions', headers: { authorization: `Bearer ${token}` } })
  t.equal((sessions.body.sessions as unknown[]).length, 2, 'both devices are still logged in')
})

t.test('public routes ignore whatever token comes with them', async (t) => {
  const publicRoutes = ROUTES.filter((route) => !route.auth && route.method === 'GET')
  const arbitrary = fc.record({ route: fc.constantFrom(...publicRoutes), value: hostileToken, where: placement })
  await property(t, 'public routes', arbitrary, async ({ route, value, where }) => {
    const { res } = await guard.send({ method: route.method, url: route.url, headers: headersFor(where, value) })
    assert.equal(res.statusCode, 200)
  }, 60)
})

t.test('hostile User-Agent, X-Forwarded-For and other headers at login', async (t) => {
  const owner = await registerUser(app, newPhone(), 'the owner\'s own password')
  const proxied = await build(t, { TRUST_PROXY: 'true', LOGIN_MAX_FAILURES: '1000000', MAX_SESSIONS_PER_USER: '100' })
  const proxiedByLoopback = await build(t, { TRUST_PROXY: '127.0.0.1,::1', LOGIN_MAX_FAILURES: '1000000', MAX_SESSIONS_PER_USER: '100' })
  const headerValue = fc.oneof(hostileString, fc.constantFrom('a', 'é', '\u0000', ',').map((char) => char.repeat(10_000)),
    fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), hostileString), { minLength: 1, maxLength: 5 }).map((ips) => ips.join(', ')))
  const arbitrary = fc.record({
    target: fc.constantFrom(app, proxied, proxiedByLoopback),
    header: fc.constantFrom('user-agent', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'accept', 'accept-version', 'origin', 'cookie', 'content-language'),
    value: headerValue
  })
  await property(t, 'headers at login', arbitrary, async ({ target, header, value }) => {
    const res = await target.inject({
      method: 'POST',
      url: '/login',
      payload: { phone_number: owner.phone, password: owner.password },
      headers: { [header]: value }
    })
    assert.ok(res.statusCode < 500, `${header}: ${res.statusCode} ${res.body}`)
    assert.equal(res.statusCode, 200, `${header}: ${res.body}`)
    const session = res.json().token as string
    const listed = await target.inject({ method: 'GET', url: '/sessions', headers: { token: session } })
    const mine = (listed.json().sessions as Array<{ current: boolean, user_agent: string }>).find((s) => s.current)
    assert.ok(mine !== undefined, 'the new session is listed')
    assert.ok(mine.user_agent.length <= 256, 'the stored User-Agent is capped')
    const out = await target.inject({ method: 'POST', url: '/logout', headers: { token: session } })
    assert.equal(out.statusCode, 200)
  }, 60)
  guard.forget() // the logins above changed Redis on purpose
})

const PUBLIC_PATHS = ROUTES.filter((route) => !route.auth && route.method === 'GET').map((route) => route.url)
const resolvedPath = (path: string) => URL.canParse(path, 'http://localhost') ? new URL(path, 'http://localhost').pathname : path
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9%._~:@!$&'()*+,;=-]{0,20}$/), // raw, often with malformed percent-escapes
  fc.constantFrom('%', '%zz', '%FF', '%E0%A4%A', '%C0%AF', '%00', '..', '%2e%2e', '%2F', '__proto__', 'constructor', "' OR 1=1 --", '*'),
  fc.integer({ min: 60, max: 5000 }).map((n) => 'a'.repeat(n))
)
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?__proto__[polluted]=1', '?constructor[prototype][polluted]=1', '?a=1&a=2', '?%', '?token=x', '?=&&=='),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`)
)
const path = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  fc.tuple(fc.constantFrom('/sessions/', '/user/', '/logout/', '/login/', '/sessions/x/', '/'), segment).map(([prefix, s]) => prefix + s)
).filter((p) => !p.startsWith('/docs'))

t.test('hostile URLs and methods: the envelope, never a 5xx, never a change', async (t) => {
  // No valid token here: a random URL could be /logout, which would rightly end the session.
  const arbitrary = fc.record({ method: fc.constantFrom(...METHODS), path, query, garbage: fc.boolean() })
  await property(t, 'hostile URLs', arbitrary, async ({ method, path, query, garbage }) => {
    const { res } = await guard.send({ method, url: path + query, headers: garbage ? { token: 'garbage' } : {} })
    if (res.statusCode === 405) {
      const allowed = String(res.headers.allow).split(', ')
      assert.ok(!allowed.includes(method), `405 for ${method} ${path} names ${method} among the allowed methods`)
    }
    // The client resolves dot segments (`/sessions/%2e%2e` is `/`), as a browser or curl would.
    const isPublic = method === 'GET' && PUBLIC_PATHS.includes(resolvedPath(path))
    assert.ok(res.statusCode >= 400 || isPublic, `${method} ${path}${query} without a valid token: ${res.statusCode}`)
  }, 200)
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('DELETE /sessions/:id with any id ends no session but a matching one', async (t) => {
  const id = fc.oneof(segment, fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }).map(encodeURIComponent), b64url(22, 22))
  await property(t, 'session ids', fc.record({ id, bearer: fc.boolean() }), async ({ id, bearer }) => {
    const headers = bearer ? { authorization: `Bearer ${token}` } : { token }
    const { res, body } = await guard.send({ method: 'DELETE', url: `/sessions/${id}`, headers })
    assert.ok(res.statusCode === 404 || res.statusCode === 400 || res.statusCode === 405, `${id}: ${res.statusCode}`)
    if (res.statusCode === 404) assert.ok(body.error === 'not_found')
  }, 150)
  const sessions = await guard.send({ method: 'GET', url: '/sessions', headers: { token } })
  t.equal((sessions.body.sessions as unknown[]).length, 2, 'both devices are still logged in')
})

t.test('the docs routes serve no file from outside their own folder', async (t) => {
  const docsPath = fc.tuple(fc.constantFrom('/docs/', '/docs/static/', '/docs/static/x/'), fc.array(segment, { maxLength: 4 }),
    fc.constantFrom('package.json', 'etc/passwd', '.env', 'src/app.ts', 'index.html', ''))
    .map(([prefix, segments, file]) => prefix + [...segments, file].join('/'))
  await property(t, 'docs paths', docsPath, async (url) => {
    const res = await app.inject({ method: 'GET', url })
    assert.ok(res.statusCode < 500, `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    assert.doesNotMatch(res.body, /"devDependencies"|root:x:0:0|buildApp|MYSQL_URL=/, url)
  }, 100)
})
