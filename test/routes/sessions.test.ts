import t from 'tap'
import { build, logIn, loggedInUser, type App } from '../support/helper.js'

const listSessions = async (app: App, token: string) => {
  const res = await app.inject({ method: 'GET', url: '/sessions', headers: { token } })
  return res.json().sessions as Array<{ id: string, created_at: string, user_agent: string, current: boolean }>
}

t.test('GET /sessions lists live sessions and marks the current one', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '3' })
  const { token, phone } = await loggedInUser(app)
  const phoneToken = await logIn(app, phone, undefined, { 'user-agent': 'SesameApp/2.1 (Android 15)' })
  const res = await app.inject({ method: 'GET', url: '/sessions', headers: { token: phoneToken } })
  t.equal(res.statusCode, 200)
  const { sessions } = res.json()
  t.equal(sessions.length, 2)
  t.same(Object.keys(sessions[0]).sort(), ['app_version', 'created_at', 'current', 'device_name', 'id', 'ip', 'last_seen_at', 'user_agent'])
  t.same(sessions.map((s: { current: boolean }) => s.current), [false, true], 'oldest first; the asking session is current')
  t.equal(sessions[1].user_agent, 'SesameApp/2.1 (Android 15)')
  t.equal(new Date(sessions[0].created_at).toISOString(), sessions[0].created_at)
  t.notOk(JSON.stringify(sessions).includes(token.split('.')[1] ?? '?'), 'no token in the list')
  t.equal((await listSessions(app, token)).filter((s) => s.current).length, 1)
})

t.test('DELETE /sessions/:id ends another device’s session', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '3' })
  const { token, phone } = await loggedInUser(app)
  const other = await logIn(app, phone)
  const target = (await listSessions(app, token)).find((s) => !s.current)
  const res = await app.inject({ method: 'DELETE', url: `/sessions/${target?.id ?? ''}`, headers: { token } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, message: String })
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: other } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  t.equal((await listSessions(app, token)).length, 1)
})

t.test('DELETE /sessions/:id of the current session works like a logout', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  const [current] = await listSessions(app, token)
  const res = await app.inject({ method: 'DELETE', url: `/sessions/${current?.id ?? ''}`, headers: { token } })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 401)
})

t.test("DELETE /sessions/:id of someone else's or an unknown session is 404 not_found", async (t) => {
  const app = await build(t)
  const alice = await loggedInUser(app)
  const bob = await loggedInUser(app)
  const [bobSession] = await listSessions(app, bob.token)
  for (const id of [bobSession?.id ?? '', 'no-such-session', 'x'.repeat(64)]) {
    const res = await app.inject({ method: 'DELETE', url: `/sessions/${encodeURIComponent(id)}`, headers: { token: alice.token } })
    t.equal(res.statusCode, 404, id)
    t.match(res.json(), { code: 0, error: 'not_found' })
  }
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: bob.token } })).statusCode, 200, "bob's session lives")
  const tooLong = await app.inject({ method: 'DELETE', url: `/sessions/${'y'.repeat(65)}`, headers: { token: alice.token } })
  t.equal(tooLong.statusCode, 400)
})
