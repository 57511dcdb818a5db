import t from 'tap'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2'
import { build, loggedInUser, logIn, testServices, type Teardown } from './support/helper.js'
import type { App } from '../src/app.js'

/*
 * What one request costs in round trips, counted by the servers themselves: Redis commands from
 * INFO commandstats (which also counts the commands a Lua script runs) and MONITOR (which tells the
 * client's commands from the script's), SQL statements from MariaDB's global status counters.
 */

type Counts = Record<string, number>

const delta = (before: Counts, after: Counts, overhead: Counts = {}) => {
  const out: Counts = {}
  for (const [name, value] of Object.entries(after)) {
    const change = value - (before[name] ?? 0) - (overhead[name] ?? 0)
    if (change !== 0) out[name] = change
  }
  return out
}

async function commandStats (probe: Redis): Promise<Counts> {
  const counts: Counts = {}
  for (const match of (await probe.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    counts[match[1] ?? ''] = Number(match[2])
  }
  return counts
}

const SQL_COUNTERS = ['Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_stmt_execute']

async function sqlStats (probe: mysql.Connection): Promise<Counts> {
  const [rows] = await probe.query<RowDataPacket[]>('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [SQL_COUNTERS])
  return Object.fromEntries(rows.map((row) => [String(row.Variable_name), Number(row.Value)]))
}

interface Measured { client: string[], script: string[], commandstats: Counts, sql: Counts }

/** Runs `fn` and returns what reached Redis and MariaDB meanwhile, minus the counting's own traffic. */
async function roundTrips (t: Teardown, fn: () => Promise<unknown>): Promise<Measured> {
  const { redisUrl, mysqlUrl } = await testServices()
  const probe = new Redis(redisUrl)
  const base = new Redis(redisUrl, { lazyConnect: true }) // monitor() opens its own connection; this one never connects
  const monitor = await base.monitor()
  const db = await mysql.createConnection(mysqlUrl)
  t.teardown(async () => { monitor.disconnect(); base.disconnect(); probe.disconnect(); await db.end() })

  const seen: Array<{ name: string, source: string }> = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ name: String(args[0]).toLowerCase(), source }))
  // Two back-to-back readings give the counting's own cost, subtracted below.
  const sqlOverhead = delta(await sqlStats(db), await sqlStats(db))
  const redisOverhead = delta(await commandStats(probe), await commandStats(probe))
  const sqlBefore = await sqlStats(db)
  const redisBefore = await commandStats(probe)
  const from = seen.length
  await fn()
  const redisAfter = await commandStats(probe)
  const sqlAfter = await sqlStats(db)
  // MONITOR streams in order: once our marker shows up, every earlier command has too.
  const marker = `marker-${Date.now()}`
  await probe.echo(marker)
  while (!seen.some((entry) => entry.name === 'echo')) await new Promise((resolve) => setTimeout(resolve, 5))
  const during = seen.slice(from).filter((entry) => entry.name !== 'info' && entry.name !== 'echo')
  return {
    client: during.filter((entry) => entry.source !== 'lua').map((entry) => entry.name),
    script: during.filter((entry) => entry.source === 'lua').map((entry) => entry.name),
    commandstats: delta(redisBefore, redisAfter, redisOverhead),
    sql: delta(sqlBefore, sqlAfter, sqlOverhead)
  }
}

/** The Lua scripts are loaded on first use (EVALSHA, NOSCRIPT, EVAL); warm them up before counting. */
async function warmedUp (app: App) {
  const user = await loggedInUser(app)
  await app.inject({ method: 'GET', url: '/user', headers: { token: user.token } })
  await app.inject({ method: 'POST', url: '/logout', headers: { token: await logIn(app, user.phone) } })
  return { ...user, token: await logIn(app, user.phone) }
}

t.test('GET /user: one EVALSHA, no SQL', async (t) => {
  const app = await build(t)
  const { token } = await warmedUp(app)
  const counted = await roundTrips(t, async () => {
    const res = await app.inject({ method: 'GET', url: '/user', headers: { token } })
    t.equal(res.statusCode, 200)
  })
  t.same(counted.client, ['evalsha'], 'the client sent exactly one command')
  t.same(counted.script, ['hmget', 'hmget'], 'the script read the session and the cached user')
  t.same(counted.commandstats, { evalsha: 1, hmget: 2 })
  t.same(counted.sql, {}, 'no SQL at all')
})

t.test('a cached GET /user: no Redis command at all, no SQL (the session cache, SPEC §12)', async (t) => {
  const app = await build(t, { SESSION_CACHE_SIZE: '1000' })
  const { token } = await warmedUp(app)
  await app.inject({ method: 'GET', url: '/user', headers: { token } })
  const counted = await roundTrips(t, async () => {
    for (let i = 0; i < 20; i++) t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  })
  t.same(counted.client, [], 'the client sent nothing')
  t.same(counted.commandstats, {}, 'INFO commandstats: 0 commands for 20 requests')
  t.same(counted.sql, {})
})

t.test('POST /login: six EVALSHA (IP budget, failure budget in and out, session created and confirmed, device token); the user read twice, 2FA state, the login.succeeded event', async (t) => {
  const app = await build(t)
  const { phone, password } = await warmedUp(app)
  const counted = await roundTrips(t, async () => {
    const res = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
    t.equal(res.statusCode, 200)
  })
  // The IP budget and the number's failure budget live under different hash tags (different Cluster
  // slots), so they are separate scripts; the budget is drawn on before the hash and settled after it
  // (SPEC §4), the session with its index and cached user is created pending and confirmed once the user
  // was read again (so a login that lost a race ends no other session), and the new device token (under the
  // number's tag) one more. MySQL: the user, whether 2FA is on (§13), the user again after the session was
  // made (a change, reset, ban or deletion meanwhile wins, §4), and the login.succeeded event (§14) in a
  // transaction that locks the user's row so one user's events commit in order.
  t.same(counted.client, ['evalsha', 'evalsha', 'evalsha', 'evalsha', 'evalsha', 'evalsha'], 'IP budget, budget in, budget out, the session created, then confirmed, the device token')
  t.same(counted.sql, { Questions: 7, Com_select: 4, Com_insert: 1, Com_stmt_execute: 5 }, 'user, 2FA state, user again, the event')
})

t.test('POST /logout: two EVALSHA (resolve, revoke), and the session.revoked event in MySQL', async (t) => {
  const app = await build(t)
  const { token } = await warmedUp(app)
  const counted = await roundTrips(t, async () => {
    const res = await app.inject({ method: 'POST', url: '/logout', headers: { token } })
    t.equal(res.statusCode, 200)
  })
  t.same(counted.client, ['evalsha', 'evalsha'], 'the auth hook resolves the token, then one script revokes it')
  // SPEC §14: the session.revoked event goes to MySQL (the one write a logout makes there; no read).
  t.same(counted.sql, { Questions: 4, Com_select: 1, Com_insert: 1, Com_stmt_execute: 2 }, 'only the session.revoked event')
})

t.test('an unknown token: one EVALSHA, no SQL', async (t) => {
  const app = await build(t)
  await warmedUp(app)
  const counted = await roundTrips(t, async () => {
    const res = await app.inject({ method: 'GET', url: '/user', headers: { token: `1.${'A'.repeat(43)}` } })
    t.equal(res.statusCode, 401)
  })
  t.same(counted.client, ['evalsha'])
  t.same(counted.sql, {})
})
