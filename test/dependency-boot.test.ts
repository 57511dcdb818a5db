import t, { type Test } from 'tap'
import mysql2, { type RowDataPacket } from 'mysql2/promise'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RawEnv } from '../src/config/env.js'
import { freePort, startMariaDb, startRedis, type LocalServer } from '../src/dev/local-services.js'
import { buildFromEnv, FAST_HASH, testServices } from './support/helper.js'
import { timed } from './support/own-services.js'
import { spawnServer } from './support/spawn-server.js'

// SPEC §5 / issue 3 item 6: a dependency missing at boot never makes Sesame hang silently. It retries with
// a log line for at most DEPENDENCY_WAIT_SECONDS, then stops with a message naming the dependency.
const WAIT_SECONDS = 2
const GIVE_UP_WITHIN_MS = 30_000

const { mysqlUrl, redisUrl } = await testServices()
const nowhere = async () => ({ mysql: `mysql://root@127.0.0.1:${await freePort()}/sesame`, redis: `redis://127.0.0.1:${await freePort()}` })

/** How many connections MariaDB has from clients other than this probe. */
async function mysqlClients () {
  const probe = await mysql2.createConnection(mysqlUrl)
  try {
    const [rows] = await probe.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER = ?', ['root'])
    return Number(rows[0]?.n)
  } finally {
    await probe.end()
  }
}

/** buildApp with a captured log; resolves to the app or the error, with the log and the time it took. */
async function boot (env: RawEnv) {
  const lines: string[] = []
  const { value, ms } = await timed(async () => await buildFromEnv(
    { hashParameters: FAST_HASH, logStream: { write: (line) => { lines.push(line) } } },
    { LOG_LEVEL: 'warn', IP_RATE_LIMIT_PER_MINUTE: '100000', DEPENDENCY_WAIT_SECONDS: String(WAIT_SECONDS), ...env }
  ).then((app) => ({ app, err: undefined }), (err: unknown) => ({ app: undefined, err })))
  return { ...value, log: () => lines.join(''), ms }
}

t.test('buildApp without MySQL gives up after the wait with an error naming MySQL, logging its retries', async (t) => {
  const { mysql } = await nowhere()
  const result = await boot({ MYSQL_URL: mysql, REDIS_URL: redisUrl })
  await result.app?.close()
  t.equal(result.app, undefined, 'boot failed')
  t.match(String(result.err), /cannot reach MySQL at mysql:\/\/root@127\.0\.0\.1:\d+\/sesame within 2 s/)
  t.match(result.log(), /waiting for MySQL at mysql:\/\//, 'a retry line while waiting')
  t.ok(result.ms >= WAIT_SECONDS * 1000 - 600 && result.ms < GIVE_UP_WITHIN_MS, `gave up after ${Math.round(result.ms)} ms`)
})

t.test('buildApp without Redis gives up after the wait with an error naming Redis, logging its retries', async (t) => {
  const { redis } = await nowhere()
  const before = await mysqlClients()
  const result = await boot({ MYSQL_URL: mysqlUrl, REDIS_URL: redis })
  await result.app?.close()
  t.equal(result.app, undefined, 'boot failed')
  t.match(String(result.err), /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? within 2 s/)
  t.match(result.log(), /waiting for Redis at redis:\/\//, 'a retry line while waiting')
  t.equal(await mysqlClients(), before, 'the failed boot closed the MySQL pool it had opened (no leak for an embedding process)')
  t.ok(result.ms >= WAIT_SECONDS * 1000 - 600 && result.ms < GIVE_UP_WITHIN_MS, `gave up after ${Math.round(result.ms)} ms`)
})

/** Starts a server 1.5 s after boot begins, on the port boot is waiting for; boot must then succeed. */
async function appearsDuringWait (t: Test, start: (port: number) => Promise<LocalServer>, env: (port: number) => RawEnv, name: RegExp) {
  const port = await freePort()
  const booting = boot({ ...env(port), DEPENDENCY_WAIT_SECONDS: '30' })
  await sleep(1500)
  const server = await start(port)
  t.teardown(() => server.stop())
  const result = await booting
  const { app } = result
  if (app === undefined) throw result.err
  t.teardown(() => app.close())
  t.match(result.log(), name, 'it logged that it was waiting')
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200, `ready ${Math.round(result.ms)} ms after boot began`)
}

t.test('Redis that appears during the wait: boot succeeds', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-boot-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  await appearsDuringWait(t, (port) => startRedis({ dataDir, port }),
    (port) => ({ MYSQL_URL: mysqlUrl, REDIS_URL: `redis://127.0.0.1:${port}` }), /waiting for Redis/)
})

t.test('MySQL that appears during the wait: boot succeeds', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-boot-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  await appearsDuringWait(t, (port) => startMariaDb({ dataDir, port }),
    (port) => ({ MYSQL_URL: `mysql://root@127.0.0.1:${port}/sesame`, REDIS_URL: redisUrl }), /waiting for MySQL/)
})

/** The real entry point (built by `npm run build`); resolves with its exit code and output. */
async function runServer (env: RawEnv) {
  const server = spawnServer({ DEPENDENCY_WAIT_SECONDS: String(WAIT_SECONDS), ...env })
  const killer = setTimeout(() => server.child.kill('SIGKILL'), GIVE_UP_WITHIN_MS)
  const { value: code, ms } = await timed(() => server.exit)
  clearTimeout(killer)
  return { code, ms, output: server.output() }
}

t.test('the server process without MySQL exits 1 with a message naming MySQL', async (t) => {
  const { mysql } = await nowhere()
  const { code, ms, output } = await runServer({ MYSQL_URL: mysql, REDIS_URL: redisUrl })
  t.equal(code, 1, `exit code 1 after ${Math.round(ms)} ms`)
  t.match(output, /waiting for MySQL at mysql:\/\//)
  t.match(output, /sesame: cannot start: cannot reach MySQL at mysql:\/\/root@127\.0\.0\.1:\d+\/sesame within 2 s/)
})

t.test('the server process without Redis exits 1 with a message naming Redis', async (t) => {
  const { redis } = await nowhere()
  const { code, ms, output } = await runServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redis })
  t.equal(code, 1, `exit code 1 after ${Math.round(ms)} ms`)
  t.match(output, /waiting for Redis at redis:\/\//)
  t.match(output, /sesame: cannot start: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? within 2 s/)
})
