import t from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testServices } from './support/helper.js'
import { listeningUrl, SERVER, spawnServer, waitForOutput } from './support/spawn-server.js'

const portIsOpen = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.once('connect', () => { socket.destroy(); resolve(true) })
  socket.once('error', () => resolve(false))
})

t.before(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`)
})

t.test('with MYSQL_URL and REDIS_URL it uses them, serves, and exits 0 on SIGTERM', async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const server = spawnServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl })
  const url = await listeningUrl(server)
  const res = await fetch(`${url}/ready`)
  t.equal(res.status, 200)
  t.match(await res.json(), { code: 1, checks: { mysql: 'ok', redis: 'ok' } })
  t.notMatch(server.output(), /started a private/, 'started no server of its own')
  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0)
})

t.test('a bad variable stops the process with a message naming it', async (t) => {
  const server = spawnServer({ SESSION_TTL_SECONDS: 'forever', MYSQL_URL: 'mysql://x@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1' })
  t.equal(await server.exit, 1)
  t.match(server.output(), /SESSION_TTL_SECONDS/)
})

t.test('without URLs it runs private MariaDB and Redis, and Ctrl-C stops all of it', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-start-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = spawnServer({ SESAME_DATA_DIR: dataDir })
  const url = await waitForOutput(server, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, 60_000)
  const ports = [...server.output().matchAll(/started a private \w+ at \w+:\/\/(?:root@)?127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))
  t.equal(ports.length, 2, 'started MariaDB and Redis')
  const register = await fetch(`${url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number: '+15550009999', password: 'a long password' })
  })
  t.equal(register.status, 201)
  t.ok(existsSync(join(dataDir, 'mariadb')) && existsSync(join(dataDir, 'redis')), 'data lives in the data folder')
  server.child.kill('SIGINT')
  t.equal(await server.exit, 0)
  for (const port of ports) t.equal(await portIsOpen(port), false, `port ${port} is closed`)
})
