import t from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request, type ClientRequest } from 'node:http'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise'
import { startRedis } from '../src/dev/local-services.js'
import { PASSWORD, newPhone, testServices } from './support/helper.js'
import { SERVER, spawnServer, type Spawned } from './support/spawn-server.js'

// SPEC §5: on SIGTERM Sesame stops accepting, finishes the requests in flight, closes its pools and exits 0.
const IN_FLIGHT = 50

type Server = Spawned

function startServer (env: Record<string, string>): Server {
  const server = spawnServer({ IP_RATE_LIMIT_PER_MINUTE: '100000', MAX_SESSIONS_PER_USER: '100', ...env })
  t.teardown(() => { if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL') })
  return server
}

async function waitFor (server: Server, pattern: RegExp, ms = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output())
    if (match !== null) return match
    await sleep(10)
  }
  throw new Error(`no ${pattern} in the output:\n${server.output()}`)
}

interface Reply { status: number, body: string }

/**
 * A POST on a connection of its own (no keep-alive agent) that sends its headers and half its body now,
 * and the rest on `finish()`: until then the request is in flight, however fast the server is.
 */
function slowPost (port: number, path: string, body: unknown) {
  const text = JSON.stringify(body)
  const half = Math.floor(text.length / 2)
  let req: ClientRequest | undefined
  const reply = new Promise<Reply>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
    req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers }, (res) => {
      let received = ''
      res.on('data', (chunk: Buffer) => { received += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: received }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.write(text.slice(0, half))
  })
  return { reply, finish: () => req?.end(text.slice(half)) }
}

const post = async (port: number, path: string, body: unknown) => {
  const { reply, finish } = slowPost(port, path, body)
  finish()
  return await reply
}

const connectError = (port: number) => new Promise<string>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.once('connect', () => { socket.destroy(); resolve('connected') })
  socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
})

const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length

/** Connections to MariaDB other than `db`'s own: Sesame's, since nothing else uses this file's server. */
async function countMysqlClients (db: Connection) {
  const [rows] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER = ?', ['root'])
  return Number(rows[0]?.n)
}

/** Connections that ended without COM_QUIT. */
async function countAbortedClients (db: Connection) {
  const [rows] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")
  return Number(rows[0]?.Value)
}

t.before(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`)
})

t.test(`SIGTERM with ${IN_FLIGHT} logins in flight: all complete, new connections are refused, pools close, exit 0`, async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const inspector = new Redis(redisUrl)
  inspector.on('error', () => {}) // it may outlive the servers by a moment at the end
  t.teardown(() => inspector.quit())
  const db = await mysql.createConnection(mysqlUrl)
  t.teardown(() => db.end())
  const redisClients = async () => (await inspector.client('LIST') as string).split('\n').filter((line) => line.startsWith('id=')).length - 1
  const mysqlClients = () => countMysqlClients(db)
  const abortedClients = () => countAbortedClients(db)

  const server = startServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl })
  const port = Number((await waitFor(server, /Server listening at http:\/\/127\.0\.0\.1:(\d+)/))[1])
  const phones = Array.from({ length: 5 }, () => newPhone())
  for (const phone of phones) {
    t.equal((await post(port, '/register', { phone_number: phone, password: PASSWORD })).status, 201, 'registered')
  }
  t.ok(await redisClients() >= 1 && await mysqlClients() >= 1, `Sesame holds ${await redisClients()} Redis and ${await mysqlClients()} MySQL connections`)
  const abortedBefore = await abortedClients()
  const monitor = await inspector.monitor() // a connection of its own
  t.teardown(() => monitor.disconnect())
  const redisCommands: string[] = []
  monitor.on('monitor', (_time: string, args: string[]) => { redisCommands.push(String(args[0]).toLowerCase()) })

  // Each login has sent its headers and half its body: the server has it, and it is in flight until we
  // send the rest, after SIGTERM. Then each still has its real argon2id hash and its MySQL and Redis work to do.
  const logins = phones.flatMap((phone) => Array.from({ length: IN_FLIGHT / phones.length }, () =>
    slowPost(port, '/login', { phone_number: phone, password: PASSWORD })))
  const received = /"url":"\/login"[^\n]*"msg":"incoming request"|"msg":"incoming request"[^\n]*"url":"\/login"/g
  const deadline = Date.now() + 20_000
  while (count(server.output(), received) < IN_FLIGHT && Date.now() < deadline) await sleep(10)
  t.equal(count(server.output(), received), IN_FLIGHT, `the server is handling all ${IN_FLIGHT} logins`)
  server.child.kill('SIGTERM')

  await waitFor(server, /"msg":"shutting down"/)
  // The log line comes just before the listener closes: give it a moment, not a drain's worth.
  let refused = await connectError(port)
  for (const until = Date.now() + 1000; refused !== 'ECONNREFUSED' && Date.now() < until; await sleep(20)) refused = await connectError(port)
  t.equal(refused, 'ECONNREFUSED', 'a new connection is refused once shutdown began')
  for (const login of logins) login.finish()

  const results = await Promise.allSettled(logins.map((login) => login.reply))
  const answers = results.map((result) => result.status === 'fulfilled' ? result.value.status : String(result.reason))
  t.same(answers, Array(IN_FLIGHT).fill(200), 'every login in flight completed with 200')
  for (const result of results) {
    if (result.status === 'fulfilled') t.match(JSON.parse(result.value.body), { code: 1, token: String })
  }
  t.equal(await server.exit, 0, 'exit code 0')

  await sleep(200) // the servers notice closed sockets asynchronously
  t.equal(await redisClients(), 1, 'no Redis connection of Sesame is left (the one left is the monitor)')
  t.equal(await mysqlClients(), 0, 'no MySQL connection of Sesame is left')
  t.equal(await abortedClients(), abortedBefore, 'MySQL connections were closed with COM_QUIT, not dropped')
  t.ok(redisCommands.includes('quit'), 'the Redis client sent QUIT')
})

t.test('SIGTERM while Redis is down still closes everything and exits 0, promptly', async (t) => {
  const { mysqlUrl } = await testServices()
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-shutdown-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const redis = await startRedis({ dataDir })
  t.teardown(() => redis.stop())
  const db = await mysql.createConnection(mysqlUrl)
  t.teardown(() => db.end())
  const abortedBefore = await countAbortedClients(db)
  const server = startServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redis.url })
  await waitFor(server, /Server listening at/)
  await redis.stop()
  await waitFor(server, /Redis connection error/)
  const start = Date.now()
  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0, 'exit code 0')
  t.ok(Date.now() - start < 5000, `exited after ${Date.now() - start} ms`)
  t.notMatch(server.output(), /closing after an error|"level":50.*close/, 'no error while closing')
  await sleep(200)
  t.equal(await countMysqlClients(db), 0, 'the MySQL pool closed too')
  t.equal(await countAbortedClients(db), abortedBefore, 'with COM_QUIT')
})
