import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RowDataPacket } from 'mysql2'
import t from 'tap'
import { logIn, loggedInUser } from '../support/helper.js'
import { buildOn, ownServices } from '../support/own-services.js'
import { PENDING_EVENTS_KEY } from '../../src/redis/keys.js'

const SECRET = 'w'.repeat(40)

async function receiver (t: { teardown: (fn: () => unknown) => void }) {
  const seen = new Set<number>()
  const state = { down: true }
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => { raw += chunk.toString() })
    req.on('end', () => {
      if (state.down) { res.statusCode = 503; res.end(); return }
      seen.add((JSON.parse(raw) as { id: number }).id)
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { seen, state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }
}

const waitFor = async (check: () => Promise<boolean> | boolean, ms = 60_000) => {
  const until = Date.now() + ms
  while (!await check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

t.test('the outbox survives a MariaDB SIGKILL and restart; a logout while MariaDB is down loses no event', async (t) => {
  const services = await ownServices(t, { persistentRedis: true })
  const hook = await receiver(t)
  const app = await buildOn(t, services, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET, MAX_SESSIONS_PER_USER: '5' })
  const users = await Promise.all([loggedInUser(app), loggedInUser(app)])
  const second = await logIn(app, users[0].phone)
  const [before] = await app.mysql.query<RowDataPacket[]>('SELECT id FROM event WHERE user_id IN (?)', [users.map((u) => u.user.id)])
  t.equal(before.length, 5, 'two registers, three logins, all waiting in the outbox (the receiver is down)')

  await services.stopMariaDb('SIGKILL')
  const logout = await app.inject({ method: 'POST', url: '/logout', headers: { token: second } })
  t.equal(logout.statusCode, 200, 'a logout works without MySQL')
  t.equal((await app.inject({ url: '/user', headers: { token: second } })).statusCode, 401, 'and the token is dead')
  t.equal(await app.redis.llen(PENDING_EVENTS_KEY), 1, 'its event is parked in Redis')

  await services.startMariaDb()
  hook.state.down = false
  await waitFor(async () => await app.redis.llen(PENDING_EVENTS_KEY) === 0)
  const [after] = await app.mysql.query<RowDataPacket[]>('SELECT id, type FROM event WHERE user_id IN (?) ORDER BY id', [users.map((u) => u.user.id)])
  t.equal(after.length, 6, 'the five from before the crash and the parked logout')
  t.equal(after.at(-1)?.type, 'session.revoked')
  await waitFor(() => after.every((row) => hook.seen.has(Number(row.id))))
  t.pass('every event, from before the crash and during it, reached the receiver')
})
