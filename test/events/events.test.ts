import { test } from 'tap'
import { build, loggedInUser, logIn, newPhone, PASSWORD, registerUser } from '../support/helper.js'

const ADMIN_KEY = 'a'.repeat(40)

const eventsOf = async (app: Awaited<ReturnType<typeof build>>, token: string, query = '') => {
  const res = await app.inject({ method: 'GET', url: `/user/events${query}`, headers: { authorization: `Bearer ${token}` } })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as { code: number, message: string, events: Array<{ id: number, type: string, user_id: number, at: string, ip: string, user_agent: string, data: Record<string, unknown> }> }
}

test('each flow writes its event, newest first, with ip and user agent and no secret', async (t) => {
  const app = await build(t, { ADMIN_KEYS: ADMIN_KEY })
  const { phone, user, token } = await loggedInUser(app)
  const wrong = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'not the password' }, headers: { 'user-agent': 'probe/1' } })
  t.equal(wrong.statusCode, 401)
  const second = await logIn(app, phone)
  const changed = await app.inject({ method: 'POST', url: '/user/password', headers: { authorization: `Bearer ${second}` }, payload: { old_password: PASSWORD, new_password: 'another good password' } })
  t.equal(changed.statusCode, 200, changed.body)
  const other = await logIn(app, phone, 'another good password')
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: { authorization: `Bearer ${other}` } })).statusCode, 200)
  const admin = { authorization: `Bearer ${ADMIN_KEY}` }
  t.equal((await app.inject({ method: 'POST', url: `/admin/users/${user.id}/ban`, headers: admin })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/admin/users/${user.id}/unban`, headers: admin })).statusCode, 200)
  const fresh = await logIn(app, phone, 'another good password')
  const body = await eventsOf(app, fresh)
  t.equal(body.code, 1)
  t.same(body.events.map((e) => e.type), [
    'login.succeeded', 'user.unbanned', 'user.banned', 'session.revoked', 'login.succeeded', 'password.changed',
    'login.succeeded', 'login.failed', 'login.succeeded', 'user.registered'
  ])
  const ids = body.events.map((e) => e.id)
  t.same(ids, [...ids].sort((a, b) => b - a), 'newest first')
  for (const event of body.events) t.equal(event.user_id, user.id)
  t.equal(body.events[7]?.user_agent, 'probe/1')
  t.equal(body.events[7]?.ip, '127.0.0.1')
  const text = JSON.stringify(body)
  for (const secret of [PASSWORD, 'another good password', token, second, other, fresh, phone, '$argon2']) {
    t.notOk(text.includes(secret), 'no secret in the events')
  }
  t.equal(token.length > 10, true)
})

test('GET /user/events pages 50 at a time with ?before', async (t) => {
  const app = await build(t)
  const { phone } = await loggedInUser(app)
  let token = ''
  for (let i = 0; i < 55; i++) token = await logIn(app, phone) // older sessions are evicted, the last one lives
  const first = await eventsOf(app, token)
  t.equal(first.events.length, 50)
  const last = first.events.at(-1)?.id
  const next = await eventsOf(app, token, `?before=${last}`)
  t.equal(next.events.length, 7, '57 events: register, 56 logins')
  t.ok(next.events.every((e) => e.id < Number(last)))
  t.equal(next.events.at(-1)?.type, 'user.registered')
  t.equal((await app.inject({ method: 'GET', url: '/user/events?before=abc', headers: { authorization: `Bearer ${token}` } })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/user/events' })).statusCode, 401)
})

test('a register that fails writes no event; events of others are not shown', async (t) => {
  const app = await build(t)
  const a = await registerUser(app)
  const again = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: a.phone, password: PASSWORD } })
  t.equal(again.statusCode, 409)
  const b = await loggedInUser(app)
  const [rows] = await app.mysql.query('SELECT COUNT(*) AS n FROM event WHERE type = ? AND user_id = ?', ['user.registered', a.user.id]) as unknown as [Array<{ n: number }>]
  t.equal(Number(rows[0]?.n), 1)
  const body = await eventsOf(app, b.token)
  t.ok(body.events.every((e) => e.user_id === b.user.id))
  t.equal(newPhone().length > 5, true)
})
