import type { RowDataPacket } from 'mysql2'
import { generate } from 'otplib'
import t from 'tap'
import { build, logIn, loggedInUser, PASSWORD, type App } from '../support/helper.js'
import { buildWithGateway, codeFor, skipCooldown } from '../support/sms-helper.js'

const ADMIN = 'a'.repeat(40)
const post = (app: App, url: string, payload: object, token?: string) =>
  app.inject({ method: 'POST', url, payload, headers: { 'user-agent': 'life/1', ...(token === undefined ? {} : { token }) } })
const eventsOf = async (app: App, token: string) => {
  const res = await app.inject({ url: '/user/events', headers: { token } })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json().events as Array<{ id: number, type: string, user_id: number, ip: string | null, user_agent: string | null, data: Record<string, unknown> }>
}
const eventRows = async (app: App, userId: number) =>
  (await app.mysql.query<RowDataPacket[]>('SELECT type, ip, user_agent, data FROM event WHERE user_id = ? ORDER BY id', [userId]))[0]
const codeAt = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) })

t.test('2FA, reset, SMS login and limits write their events; no secret in any event, the export or the webhook rows', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { ADMIN_KEYS: ADMIN, WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 'w'.repeat(40) })
  const { phone, token, user } = await loggedInUser(app)
  const secrets: string[] = [PASSWORD, token, token.split('.')[1] ?? '']
  const { secret } = (await post(app, '/user/2fa/setup', {}, token)).json()
  const enabled = await post(app, '/user/2fa/enable', { code: await codeAt(secret) }, token)
  t.equal(enabled.statusCode, 200, enabled.body)
  const recovery = enabled.json().recovery_codes as string[]
  const challenge = (await post(app, '/login', { phone_number: phone, password: PASSWORD })).json().challenge as string
  t.equal((await post(app, '/login/2fa', { challenge, code: '000000' })).statusCode, 401)
  const second = await post(app, '/login/2fa', { challenge, code: recovery[0] ?? '' })
  t.equal(second.statusCode, 200, second.body)
  const now = second.json().token as string
  secrets.push(secret, ...recovery, challenge, now, second.json().device_token as string)
  const off = await post(app, '/user/2fa/disable', { password: PASSWORD, code: recovery[1] ?? '' }, now)
  t.equal(off.statusCode, 200, off.body)
  const reset = await codeFor(app, gateway, phone, 'reset_password')
  t.equal((await post(app, '/password/reset', { phone_number: phone, sms_code: reset, new_password: 'a brand new secret' })).statusCode, 200)
  await skipCooldown(app, phone)
  const login = await codeFor(app, gateway, phone, 'login')
  const viaSms = await post(app, '/login/sms', { phone_number: phone, sms_code: login })
  t.equal(viaSms.statusCode, 200, viaSms.body)
  const last = viaSms.json().token as string
  secrets.push(reset, login, last, 'a brand new secret', viaSms.json().device_token as string)
  let refused = 0
  for (let i = 0; i < 10; i++) {
    await skipCooldown(app, phone)
    if ((await post(app, '/sms/code', { phone_number: phone, purpose: 'login' })).statusCode === 429) refused++
  }
  t.equal(refused, 2, '10 codes a day: 2 sent before, 8 now, then 2 refused')
  const limitEvents = async () => (await eventRows(app, user.id)).filter((row) => row.type === 'sms.limit_reached').length
  for (let i = 0; i < 50 && await limitEvents() < refused; i++) await new Promise((resolve) => setTimeout(resolve, 100))

  const types = (await eventsOf(app, last)).map((e) => e.type).reverse()
  t.same(types.filter((type) => type !== 'login.succeeded'), [
    'user.registered', '2fa.enabled', 'login.failed', '2fa.disabled', 'password.reset', 'sms.limit_reached', 'sms.limit_reached'
  ])
  t.equal(types.filter((type) => type === 'login.succeeded').length, 3, 'password login, 2FA login, SMS login')
  const failed = (await eventsOf(app, last)).find((e) => e.type === 'login.failed')
  t.match(failed, { ip: '127.0.0.1', user_agent: 'life/1', data: { second_factor: true, failures: 1 } })
  t.match((await eventsOf(app, last)).find((e) => e.type === 'sms.limit_reached'), { data: { limit: 'daily_per_number', purpose: 'login' } })

  const exported = await app.inject({ url: '/user/export', headers: { token: last } })
  t.same(exported.json().export.events, await eventsOf(app, last), 'the export holds the events')
  const [outbox] = await app.mysql.query<RowDataPacket[]>('SELECT payload FROM webhook_outbox WHERE user_id = ?', [user.id])
  t.same(outbox.map((row) => JSON.parse(String(row.payload)).type).sort(), [...types].sort(), 'one webhook row per event')
  const everything = JSON.stringify([await eventRows(app, user.id), outbox, exported.json()])
  for (const value of secrets) t.notOk(value.length > 0 && everything.includes(value), `no secret in the events (${value.slice(0, 4)}…)`)
  t.notOk(/argon2|password_hash|\$scrypt/.test(everything), 'no hash')
})

t.test('deleting an account, by the user or an admin, leaves only its user.deleted event: no number, no IP', async (t) => {
  const app = await build(t, { ADMIN_KEYS: ADMIN, WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 'w'.repeat(40) })
  const admin = { authorization: `Bearer ${ADMIN}` }
  const self = await loggedInUser(app)
  const byAdmin = await loggedInUser(app)
  await logIn(app, self.phone)
  t.ok((await eventRows(app, self.user.id)).length >= 2)
  const gone = await app.inject({ method: 'DELETE', url: '/user', payload: { password: PASSWORD }, headers: { token: await logIn(app, self.phone) } })
  t.equal(gone.statusCode, 200)
  const deleted = await app.inject({ method: 'DELETE', url: `/admin/users/${byAdmin.user.id}`, headers: admin })
  t.same([deleted.statusCode, deleted.json()], [200, { code: 1, message: 'account deleted' }])
  t.equal((await app.inject({ url: '/user', headers: { token: byAdmin.token } })).statusCode, 401, 'its sessions ended')
  for (const [who, data] of [[self, {}], [byAdmin, { by: 'admin' }]] as const) {
    const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT * FROM event WHERE user_id = ?', [who.user.id])
    t.equal(rows.length, 1, 'one event left')
    t.match(rows[0], { type: 'user.deleted', ip: null, user_agent: null })
    t.same(JSON.parse(String(rows[0]?.data)), data)
    const [outbox] = await app.mysql.query<RowDataPacket[]>('SELECT payload FROM webhook_outbox WHERE user_id = ?', [who.user.id])
    t.equal(outbox.length, 1, 'only the user.deleted webhook is left to send')
    t.notOk(JSON.stringify([rows, outbox]).includes(who.phone.slice(3)), 'no number in what is left')
  }
  const unknown = await app.inject({ method: 'DELETE', url: '/admin/users/999999999', headers: admin })
  t.same([unknown.statusCode, unknown.json().error], [404, 'not_found'])
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${byAdmin.user.id}` })).statusCode, 401, 'an admin key is needed')
  const again = await post(app, '/register', { phone_number: byAdmin.phone, password: PASSWORD })
  t.equal(again.statusCode, 201, 'the number can register again')
})

t.test('every admin call is an event of the user, marked by: admin', async (t) => {
  const app = await build(t, { ADMIN_KEYS: ADMIN, MAX_SESSIONS_PER_USER: '3' })
  const headers = { authorization: `Bearer ${ADMIN}`, 'user-agent': 'support-console' }
  const { phone, user } = await loggedInUser(app)
  t.equal((await app.inject({ url: `/admin/users?phone_number=${encodeURIComponent(phone)}`, headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${user.id}/sessions`, headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/admin/users/${user.id}/ban`, headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/admin/users/${user.id}/unban`, headers })).statusCode, 200)
  const events = (await eventsOf(app, await logIn(app, phone))).reverse().slice(2, 6)
  t.match(events, [
    { type: 'admin.lookup', data: { by: 'admin' }, user_agent: 'support-console' },
    { type: 'session.revoked', data: { by: 'admin', sessions_ended: 1 } },
    { type: 'user.banned', data: { by: 'admin' } },
    { type: 'user.unbanned', data: { by: 'admin' } }
  ])
})

t.test('the retention job deletes events older than 90 days, in bounded rounds; GET /user/events never shows them', async (t) => {
  const app = await build(t)
  const { token, user } = await loggedInUser(app)
  const old = new Date(Date.now() - 91 * 86_400_000)
  for (let i = 0; i < 5; i++) {
    await app.mysql.query("INSERT INTO event (uid, type, user_id, at, data) VALUES (UUID(), 'login.succeeded', ?, ?, '{}')", [user.id, old])
  }
  t.equal((await eventsOf(app, token)).length, 2, 'register and login; the old ones are not shown')
  t.equal(await app.events.prune(2), 2, 'a round deletes at most its limit')
  t.equal(await app.events.prune(), 3)
  t.equal(await app.events.prune(), 0)
  t.equal((await eventRows(app, user.id)).length, 2, 'recent events stay')
})
