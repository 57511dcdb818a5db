import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'tap'
import { build, logIn, loggedInUser } from '../support/helper.js'

const SECRET = 'w'.repeat(40)

interface Received { id: number, type: string, user_id: number | null, at: string, instance: string }

/** A real HTTP receiver that checks the signature with its own HMAC and can be told to answer 503. */
async function receiver () {
  const got: Received[] = []
  const state = { down: false, badSignatures: 0, firstSeen: new Map<number, number>() }
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => { raw += chunk.toString() })
    req.on('end', () => {
      if (state.down) { res.statusCode = 503; res.end(); return }
      const header = String(req.headers['sesame-signature'] ?? '')
      const t = /t=(\d+)/.exec(header)?.[1] ?? ''
      const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1] ?? ''
      const expected = createHmac('sha256', SECRET).update(`${t}.${raw}`).digest()
      if (v1 === '' || !timingSafeEqual(Buffer.from(v1, 'hex'), expected) || Math.abs(Date.now() / 1000 - Number(t)) > 300) {
        state.badSignatures++
      }
      const event = JSON.parse(raw) as Received
      got.push(event)
      if (!state.firstSeen.has(event.id)) state.firstSeen.set(event.id, Date.now())
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { got, state, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }
}

const waitFor = async (check: () => boolean, ms = 60_000) => {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

test('a receiver that is down, then back, gets every event at least once, in per-user order, never twice at once from two instances', async (t) => {
  const hook = await receiver()
  t.teardown(() => hook.server.close())
  const env = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET }
  const a = await build(t, env)
  const b = await build(t, env)
  hook.state.down = true
  const started = Date.now()
  const users = await Promise.all([loggedInUser(a), loggedInUser(b), loggedInUser(a)])
  // 48 logins in rounds of 6 at once, alternating instances: 16 more events per user, written concurrently
  for (let round = 0; round < 8; round++) await Promise.all(Array.from({ length: 6 }, (_, i) => logIn(i % 2 === 0 ? a : b, users[i % 3]?.phone ?? '')))
  const [rows] = await a.mysql.query('SELECT id, user_id FROM event WHERE user_id IN (?) ORDER BY id', [users.map((u) => u.user.id)]) as unknown as [Array<{ id: number, user_id: number }>]
  const expected = rows.map((row) => Number(row.id))
  t.equal(expected.length, 54, 'register and 17 logins each')
  await new Promise((resolve) => setTimeout(resolve, 2000)) // a few failed attempts while down
  t.equal(hook.got.length, 0)
  hook.state.down = false
  await waitFor(() => expected.every((id) => hook.state.firstSeen.has(id)))
  const mine = hook.got.filter((e) => expected.includes(e.id))
  const duplicates = mine.length - new Set(mine.map((e) => e.id)).size
  const maxDelay = Math.max(...expected.map((id) => (hook.state.firstSeen.get(id) ?? 0))) - started
  t.comment(`events sent: ${mine.length}, distinct: ${expected.length}, duplicates: ${duplicates}, max delay: ${maxDelay} ms (2 s of it down)`)
  t.equal(duplicates, 0, 'two healthy instances never double-send')
  t.equal(hook.state.badSignatures, 0, 'every signature checks with our own HMAC')
  for (const u of users) {
    const order = mine.filter((e) => e.user_id === u.user.id).map((e) => e.id)
    t.same(order, [...order].sort((x, y) => x - y), 'per-user order')
  }
  t.match(mine[0], { type: 'user.registered', at: String })
  const [[pending]] = await a.mysql.query('SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL AND event_id IN (?)', [expected]) as unknown as [[{ n: number }]]
  t.equal(Number(pending?.n), 0)
})

test('the outbox survives an instance closed with deliveries pending: another instance sends them', async (t) => {
  const hook = await receiver()
  t.teardown(() => hook.server.close())
  const env = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET }
  hook.state.down = true
  const a = await build(t, env)
  const u = await loggedInUser(a)
  await a.close()
  hook.state.down = false
  const b = await build(t, env)
  const [rows] = await b.mysql.query('SELECT id FROM event WHERE user_id = ?', [u.user.id]) as unknown as [Array<{ id: number }>]
  t.equal(rows.length, 2)
  await waitFor(() => rows.every((row) => hook.state.firstSeen.has(Number(row.id))))
  t.pass('every event of the closed instance was delivered by the other')
})
