import t from 'tap'
import { loggedInUser, logIn, PASSWORD } from '../support/helper.js'
import { buildWithGateway, codeFor } from '../support/sms-helper.js'

t.test('GET /user/export holds the user and the sessions, and no secret', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { MAX_SESSIONS_PER_USER: '3' })
  const { phone, token, user } = await loggedInUser(app, 'Mia')
  const other = await logIn(app, phone, PASSWORD, { 'user-agent': 'tablet' })
  await codeFor(app, gateway, phone, 'delete_account', { token })
  const code = gateway.codeFor(phone)
  const res = await app.inject({ url: '/user/export', headers: { token } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['code', 'export', 'message'])
  t.same(body.export.user, user)
  t.equal(body.export.sessions.length, 2)
  t.equal(body.export.sessions.filter((s: { current: boolean }) => s.current).length, 1)
  t.same([...new Set(body.export.events.map((e: { type: string }) => e.type))], ['login.succeeded', 'user.registered'], 'the events of SPEC §14, newest first')
  for (const secret of [token, other, token.split('.').at(-1), other.split('.').at(-1), PASSWORD, code, '$argon2']) {
    t.notOk(res.body.includes(String(secret)), 'no secret in the export')
  }
  t.notMatch(res.body, /hash|password|device_token|digest/i)
  t.equal((await app.inject({ url: '/user/export' })).statusCode, 401)
})
