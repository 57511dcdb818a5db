import t from 'tap'
import { build, logIn, loggedInUser, newPhone, PASSWORD, type App } from '../support/helper.js'

const ADMIN = 'a'.repeat(40)
const SERVICE = 's'.repeat(40)
const env = { ADMIN_KEYS: ADMIN, SERVICE_KEYS: SERVICE }
const asAdmin = (app: App, method: 'GET' | 'POST' | 'DELETE', url: string, key = ADMIN) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` } })

t.test('look a user up by phone number, with sessions and ban state', async (t) => {
  const app = await build(t, env)
  const { token, user, phone } = await loggedInUser(app, 'Bo')
  const res = await asAdmin(app, 'GET', `/admin/users?phone_number=${encodeURIComponent(phone)}`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, user: { id: user.id, phone_number: phone, nickname: 'Bo', banned: false, banned_at: null } })
  t.equal(res.json().sessions.length, 1)
  t.equal(res.json().two_factor_enabled, false)
  t.notMatch(res.body, token.split('.')[1] ?? '', 'no token in the reply')
  t.notMatch(res.body, /argon2|password/, 'no hash in the reply')
  const unknown = await asAdmin(app, 'GET', `/admin/users?phone_number=${encodeURIComponent(newPhone())}`)
  t.same([unknown.statusCode, unknown.json().error], [404, 'not_found'])
})

t.test('a ban ends every session at once on every instance, refuses login and introspection; unban lifts it', async (t) => {
  const a = await build(t, env)
  const b = await build(t, env)
  const { token, user, phone } = await loggedInUser(a)
  t.equal((await b.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  const banned = await asAdmin(a, 'POST', `/admin/users/${user.id}/ban`)
  t.same([banned.statusCode, banned.json().revoked], [200, 1])
  const onB = await b.inject({ method: 'GET', url: '/user', headers: { token } })
  t.same([onB.statusCode, onB.json().code, onB.json().error], [401, 2, 'token_invalid'], 'the very next request on instance B is refused: the ban ended the sessions before it answered')
  const introspected = await b.inject({ method: 'POST', url: '/introspect', payload: { token }, headers: { authorization: `Bearer ${SERVICE}` } })
  t.equal(introspected.json().active, false)
  const login = await b.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })
  t.same([login.statusCode, login.json().error], [403, 'account_banned'])
  const wrong = await b.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'not the password' } })
  t.same([wrong.statusCode, wrong.json().error], [401, 'invalid_credentials'], 'a wrong password learns nothing of the ban')
  t.match((await asAdmin(a, 'GET', `/admin/users?phone_number=${encodeURIComponent(phone)}`)).json().user, { banned: true, banned_at: String })

  t.equal((await asAdmin(a, 'POST', `/admin/users/${user.id}/unban`)).statusCode, 200)
  t.type(await logIn(b, phone), 'string', 'login works again after unban')
})

t.test('end every session of a user', async (t) => {
  const app = await build(t, { ...env, MAX_SESSIONS_PER_USER: '3' })
  const { token, user, phone } = await loggedInUser(app)
  const second = await logIn(app, phone)
  const res = await asAdmin(app, 'DELETE', `/admin/users/${user.id}/sessions`)
  t.same([res.statusCode, res.json().revoked], [200, 2])
  for (const tok of [token, second]) t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: tok } })).statusCode, 401)
  const missing = await asAdmin(app, 'DELETE', '/admin/users/999999999/sessions')
  t.same([missing.statusCode, missing.json().error], [404, 'not_found'])
})

t.test('admin routes need an admin key: a service key, a user token or nothing is 401 service_key_invalid', async (t) => {
  const app = await build(t, env)
  const { token, user } = await loggedInUser(app)
  for (const key of [SERVICE, token, 'x'.repeat(40)]) {
    const res = await asAdmin(app, 'POST', `/admin/users/${user.id}/ban`, key)
    t.same([res.statusCode, res.json().error], [401, 'service_key_invalid'])
  }
  const none = await app.inject({ method: 'GET', url: '/admin/users?phone_number=%2B12015550123' })
  t.equal(none.statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200, 'nothing was banned')
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  t.same(doc.paths['/admin/users/{id}/ban'].post.tags, ['admin'])
  t.same(doc.paths['/admin/users/{id}/ban'].post.security, [{ adminKey: [] }])
})

t.test('the lookup reads the number like every other route: national input with DEFAULT_COUNTRY, other spellings', async (t) => {
  const app = await build(t, { ...env, DEFAULT_COUNTRY: 'CN' })
  const { user, phone } = await loggedInUser(app)
  for (const spelling of [phone.slice(3), `00${phone.slice(1)}`, ` ${phone} `]) {
    const res = await asAdmin(app, 'GET', `/admin/users?phone_number=${encodeURIComponent(spelling)}`)
    t.same([res.statusCode, res.json().user?.id], [200, user.id], spelling)
  }
})

t.test('a ban on one instance is refused on the other within 100 ms, for every token of the user, 50 requests at once', async (t) => {
  const a = await build(t, { ...env, MAX_SESSIONS_PER_USER: '50' })
  const b = await build(t, { ...env, MAX_SESSIONS_PER_USER: '50' })
  const { user, phone } = await loggedInUser(a)
  const tokens: string[] = []
  for (let i = 0; i < 50; i++) tokens.push(await logIn(i % 2 === 0 ? a : b, phone))
  const banned = await asAdmin(a, 'POST', `/admin/users/${user.id}/ban`)
  const answeredAt = performance.now()
  t.equal(banned.json().revoked, 50)
  const replies = await Promise.all(tokens.map((token) => b.inject({ method: 'GET', url: '/user', headers: { token } })))
  const within = performance.now() - answeredAt
  t.comment(`50 requests at once on instance B, every one refused, all answered within ${within.toFixed(1)} ms of the ban reply (no token is trusted from memory: each resolve asks Redis)`)
  t.ok(replies.every((res) => res.statusCode === 401 && res.json().error === 'token_invalid'), 'every token is refused on B, the first request after the ban')
})
