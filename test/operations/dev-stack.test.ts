import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../src/config/project.js'
import { startMariaDb, startRedis } from '../../src/dev/local-services.js'
import { redisPing } from '../../src/dev/probes.js'
import { provide, type DevServerSpec } from '../../src/dev/provide.js'
import { isAlive } from '../../src/dev/running.js'
import { testServices } from '../support/helper.js'
import { SERVER, spawnServer, waitForOutput, type Spawned } from '../support/spawn-server.js'

// Issue 14 item 8: the dev stack of npm start (private MariaDB and Redis in .data/, src/dev/) explains
// itself. Servers left by a Sesame killed with SIGKILL are found, named and reused; npm run migrate uses
// the MariaDB of a running npm start; the ports stay the same; a server that holds the data but does not
// answer is named with its pid and the fix, at once, instead of "timed out … ECONNREFUSED" after 30 s.
t.setTimeout(300_000)

const MIGRATE = join(PROJECT_ROOT, 'dist', 'src', 'mysql', 'migrate-cli.js')
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/

const portIsOpen = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.once('connect', () => { socket.destroy(); resolve(true) })
  socket.once('error', () => resolve(false))
})

/** The ports in the "started a private …" lines, MariaDB then Redis. */
const startedPorts = (output: string) =>
  [...output.matchAll(/started a private (MariaDB|Redis) at \w+:\/\/(?:root@)?127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[2]))

/** `npm run migrate`'s program, on `dataDir`, asynchronously (it must not block a server in this process). */
const migrate = (dataDir: string) => new Promise<{ code: number, output: string }>((resolve) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(MYSQL_URL|REDIS_URL|REDIS_CLUSTER_NODES)$/.test(key)))
  execFile(process.execPath, [MIGRATE], { env: { ...env, SESAME_DATA_DIR: dataDir } }, (err, stdout, stderr) => {
    resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: `${stdout}${stderr}` })
  })
})

async function stopped (server: Spawned, signal: NodeJS.Signals) {
  server.child.kill(signal)
  return await server.exit
}

t.before(() => {
  if (!existsSync(SERVER) || !existsSync(MIGRATE)) throw new Error('dist/ is missing: run npm run build first')
})

t.test('migrate during npm start, then a SIGKILL: the servers left behind are reused on the same ports', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-dev-stack-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const first = spawnServer({ SESAME_DATA_DIR: dataDir })
  t.teardown(() => first.child.kill('SIGKILL'))
  await waitForOutput(first, LISTENING, 90_000)
  const [mysqlPort, redisPort] = startedPorts(first.output())
  if (mysqlPort === undefined || redisPort === undefined) throw new Error(`no ports in:\n${first.output()}`)

  const migrated = await migrate(dataDir)
  t.equal(migrated.code, 0, `npm run migrate while npm start runs: ${migrated.output}`)
  t.match(migrated.output, new RegExp(`using the private MariaDB at mysql://root@127\\.0\\.0\\.1:${mysqlPort}/sesame \\(pid \\d+, data in ${join(dataDir, 'mariadb')}\\) that Sesame process ${first.child.pid} runs`))
  t.match(migrated.output, /migrations: nothing to apply/)
  t.notMatch(migrated.output, /started a private/, 'it started no second MariaDB')
  t.equal(await portIsOpen(mysqlPort), true, 'and left the server\'s MariaDB running')

  t.equal(await stopped(first, 'SIGKILL'), null, 'npm start killed outright')
  t.same([await portIsOpen(mysqlPort), await portIsOpen(redisPort)], [true, true], 'its MariaDB and Redis live on')

  const began = Date.now()
  const second = spawnServer({ SESAME_DATA_DIR: dataDir })
  t.teardown(() => second.child.kill('SIGKILL'))
  const url = await waitForOutput(second, LISTENING, 60_000)
  t.ok(Date.now() - began < 25_000, 'and it starts without waiting out a timeout')
  t.match(second.output(), new RegExp(`found a private MariaDB \\(pid \\d+\\) still running on ${join(dataDir, 'mariadb')}, left by a Sesame that ended without stopping it`))
  t.match(second.output(), new RegExp(`found a private Redis \\(pid \\d+\\) still running on ${join(dataDir, 'redis')}`))
  t.match(second.output(), new RegExp(`reusing it at mysql://root@127\\.0\\.0\\.1:${mysqlPort}/sesame`))
  t.notMatch(second.output(), /timed out|ECONNREFUSED/)
  const ready = await fetch(`${url}/ready`)
  t.equal(ready.status, 200, 'the reused servers serve')
  t.equal(await stopped(second, 'SIGINT'), 0)
  t.same([await portIsOpen(mysqlPort), await portIsOpen(redisPort)], [false, false], 'Ctrl-C stops the servers it adopted')

  const third = spawnServer({ SESAME_DATA_DIR: dataDir })
  t.teardown(() => third.child.kill('SIGKILL'))
  await waitForOutput(third, LISTENING, 90_000)
  t.same(startedPorts(third.output()), [mysqlPort, redisPort], 'a fresh start takes the same ports again (kept in the data folder)')
  t.equal(await stopped(third, 'SIGINT'), 0)
})

t.test('a MariaDB that holds the data but does not answer is named with its pid and the fix', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-dev-stuck-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  // Not started by npm start (no state file): found by its --datadir; then frozen, as a hung server is.
  const foreign = await startMariaDb({ dataDir: join(dataDir, 'mariadb') })
  const pid = foreign.process.pid ?? 0
  t.teardown(async () => { foreign.process.kill('SIGCONT'); await foreign.stop() })
  foreign.process.kill('SIGSTOP')

  const { redisUrl } = await testServices()
  const began = Date.now()
  const server = spawnServer({ SESAME_DATA_DIR: dataDir, REDIS_URL: redisUrl })
  t.teardown(() => server.child.kill('SIGKILL'))
  t.equal(await server.exit, 1, 'npm start stops')
  t.ok(Date.now() - began < 20_000, 'soon, not after a 30 s timeout')
  t.match(server.output(), new RegExp(`MariaDB is already running on the data in ${join(dataDir, 'mariadb')} \\(pid ${pid}: \\S*(mariadbd|mysqld) `))
  t.match(server.output(), new RegExp(`does not answer on 127\\.0\\.0\\.1:${foreign.port}, and a second MariaDB cannot use the same data`))
  t.match(server.output(), new RegExp(`Stop it \\(kill ${pid}, or kill -9 ${pid} if it does not exit\\) and start again, or set MYSQL_URL`))
  t.notMatch(server.output(), /timed out|ECONNREFUSED|started a private MariaDB/)
  t.equal(isAlive(pid), true, 'the foreign server is left alone')
})

t.test('the kept port is reused when free, and replaced (with a message) when another program took it', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-dev-port-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const lines: string[] = []
  const spec: DevServerSpec = {
    kind: 'redis',
    name: 'Redis',
    dataDir,
    urlVariable: 'REDIS_URL',
    urlOf: (port) => `redis://127.0.0.1:${port}`,
    probe: redisPing,
    start: (port) => startRedis({ dataDir, port })
  }
  const first = await provide(spec, (line) => lines.push(line))
  await first.stop()
  const again = await provide(spec, (line) => lines.push(line))
  t.equal(again.port, first.port, 'the same port as last time')
  await again.stop()

  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve))
  t.teardown(() => squatter.close())
  const moved = await provide(spec, (line) => lines.push(line))
  t.teardown(() => moved.stop())
  t.not(moved.port, first.port, 'a new port when the kept one is taken')
  t.ok(lines.includes(`Redis's port ${first.port} (kept in ${dataDir}) is taken by another program; using a new one`), 'and it says so', { lines })
})
