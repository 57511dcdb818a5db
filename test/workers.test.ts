/* WORKERS=2: one port served by two worker processes, metrics summed by the primary, and one SIGTERM stops all. */
import t from 'tap'
import { request } from 'node:http'
import { createConnection } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testServices } from './support/helper.js'
import { freePort } from '../src/dev/local-services.js'
import { spawnServer, waitForOutput } from './support/spawn-server.js'

/** GET on a fresh connection each time, so that the primary hands each one to the next worker. */
const getOnNewConnection = (port: number, path: string) => new Promise<number>((resolve, reject) => {
  request({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); res.once('end', () => resolve(res.statusCode ?? 0)) })
    .once('error', reject).end()
})

const workerPids = (output: string) => [...new Set(output.split('\n').flatMap((line) => {
  try {
    const entry = JSON.parse(line) as { pid?: number, msg?: string }
    return entry.msg?.startsWith('Server listening at') === true && entry.pid !== undefined ? [entry.pid] : []
  } catch {
    return []
  }
}))]

const portIsOpen = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.once('connect', () => { socket.destroy(); resolve(true) })
  socket.once('error', () => resolve(false))
})

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('WORKERS=2 serves one port from two processes, sums their metrics, and SIGTERM stops all of them with exit 0', async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const metricsPort = await freePort()
  const server = spawnServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl, WORKERS: '2', METRICS_PORT: String(metricsPort) })
  t.teardown(() => server.stop())
  const port = Number(await waitForOutput(server, /2 workers listening on port (\d+)/))

  const statuses = []
  for (let i = 0; i < 20; i++) statuses.push(await getOnNewConnection(port, '/health'))
  t.ok(statuses.every((status) => status === 200), '20 requests answered')
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  t.match(metrics, /^sesame_http_requests_total\{method="GET",route="\/health",status_code="200"\} 20$/m, 'the primary sums the workers\' metrics')

  t.equal(await server.stop(), 0, 'the primary exits 0')
  t.match(server.output(), /SIGTERM received; stopping 2 workers/)
  const served = server.output().split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { pid?: number, msg?: string, req?: { url?: string } }
      return entry.msg === 'incoming request' && entry.req?.url === '/health' && entry.pid !== undefined ? [entry.pid] : []
    } catch {
      return []
    }
  })
  const pids = [...new Set(served)]
  t.equal(served.length, 20, 'each request was logged by the worker that served it')
  t.equal(pids.length, 2, `two worker processes served them (pids ${pids.join(', ')})`)
  t.notOk(pids.includes(server.child.pid ?? 0), 'not the primary')

  for (const pid of pids) t.notOk(isAlive(pid), `worker ${pid} is gone`)
})

t.test('without URLs the primary starts MariaDB and Redis once for both workers, and Ctrl-C (SIGINT to the group) stops everything', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-workers-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = spawnServer({ SESAME_DATA_DIR: dataDir, WORKERS: '2' })
  t.teardown(() => server.stop())
  const port = Number(await waitForOutput(server, /2 workers listening on port (\d+)/, 90_000))
  const servicePorts = [...server.output().matchAll(/started a private \w+ at \w+:\/\/(?:root@)?127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))
  t.equal(servicePorts.length, 2, 'one MariaDB and one Redis, started by the primary')
  t.equal(await getOnNewConnection(port, '/ready'), 200)
  const pids = workerPids(server.output())
  t.equal(pids.length, 2)
  // What a terminal does on Ctrl-C: every process of the group gets SIGINT.
  for (const pid of [server.child.pid ?? 0, ...pids]) process.kill(pid, 'SIGINT')
  t.equal(await server.exit, 0, 'the primary exits 0')
  for (const pid of pids) t.notOk(isAlive(pid), `worker ${pid} is gone`)
  for (const servicePort of servicePorts) t.equal(await portIsOpen(servicePort), false, `port ${servicePort} is closed`)
})

t.test('a worker that cannot start stops the primary with exit 1', async (t) => {
  const server = spawnServer({ MYSQL_URL: 'mysql://root@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', DEPENDENCY_WAIT_SECONDS: '0', WORKERS: '2' })
  t.equal(await server.exit, 1)
  t.match(server.output(), /exited during start/)
})
