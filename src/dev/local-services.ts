/*
 * Private MariaDB and Redis servers on loopback, for `npm start` without MYSQL_URL/REDIS_URL, for
 * the tests and for the benchmark. Each server gets its own data folder and a free port, and is
 * stopped with the process that started it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { withDeadline } from '../runtime/deadline.js'

export interface LocalServer {
  url: string
  port: number
  process: ChildProcess
  /** Stops the server and waits for it to exit. */
  stop: () => Promise<void>
}

type Log = (message: string) => void

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]

/** The first of `names` found on the usual system paths or PATH, or null. */
export const findBinary = (...names: string[]) => {
  for (const name of names) {
    for (const dir of SEARCH_PATH) {
      if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
    }
  }
  return null
}

const BINARIES = {
  mariadbd: ['mariadbd', 'mysqld'],
  installDb: ['mariadb-install-db', 'mysql_install_db'],
  redis: ['redis-server']
}

/** Installs mariadb-server and redis-server with apt-get when missing (as root), or explains what to do. */
export function ensureServerBinaries (log: Log = console.log) {
  const missing = () => Object.values(BINARIES).some((names) => findBinary(...names) === null)
  if (!missing()) return
  const canInstall = process.getuid?.() === 0 && findBinary('apt-get') !== null
  if (!canInstall) {
    throw new Error('MariaDB or Redis is not installed. Install them (sudo apt-get install mariadb-server redis-server) ' +
      'or set MYSQL_URL and REDIS_URL to servers you run.')
  }
  log('installing mariadb-server and redis-server with apt-get (once)…')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'mariadb-server', 'redis-server']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed with status ${result.status}`)
  }
  if (missing()) throw new Error('apt-get finished but mariadbd or redis-server is still missing')
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const live = new Set<ChildProcess>()
process.once('exit', () => { for (const child of live) child.kill('SIGKILL') })

async function startProcess (command: string, args: string[], logFile: string) {
  const log = await open(logFile, 'a')
  // Own process group: a Ctrl-C in the terminal reaches Sesame, which closes itself first and then its servers.
  const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd], detached: true })
  await log.close()
  live.add(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { live.delete(child); resolve(code) }))
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  return { child, exited, stop }
}

/** Resolves when a Redis server on `port` answers PING. */
const redisPing = (port: number) => new Promise<void>((resolve, reject) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.setTimeout(1000, () => socket.destroy(new Error('timeout')))
  socket.once('connect', () => socket.write('PING\r\n'))
  socket.once('data', (data) => {
    socket.destroy()
    if (data.toString().startsWith('+PONG')) resolve()
    else reject(new Error(data.toString().trim()))
  })
  socket.once('error', reject)
})

/** Retries `attempt` until it succeeds, the process exits, or `ms` pass. */
async function waitUntilReady (name: string, attempt: () => Promise<void>, exited: Promise<number | null>, logFile: string, ms = 30_000) {
  const state = { gone: false }
  exited.then(() => { state.gone = true }, () => {})
  const deadline = Date.now() + ms
  let lastError: unknown
  while (Date.now() < deadline && !state.gone) {
    try {
      await withDeadline(attempt(), 2000, () => new Error('no answer in 2000 ms'))
      return
    } catch (err) {
      lastError = err
      await sleep(50)
    }
  }
  throw new Error(`${name} did not start (${state.gone ? 'it exited' : 'timed out'}); see ${logFile}: ${String(lastError)}`)
}

export interface MariaDbOptions {
  dataDir: string
  port?: number
  database?: string
}

/** Starts mariadbd on 127.0.0.1 with its data in `dataDir` (initialised on first use); root has no password. */
export async function startMariaDb ({ dataDir, port, database = 'sesame' }: MariaDbOptions): Promise<LocalServer> {
  const mariadbd = findBinary(...BINARIES.mariadbd)
  const installDb = findBinary(...BINARIES.installDb)
  if (mariadbd === null || installDb === null) throw new Error('mariadbd not found: run ensureServerBinaries() first')
  await mkdir(dataDir, { recursive: true })
  const dbDir = join(dataDir, 'db')
  const logFile = join(dataDir, 'mariadb.log')
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : []
  const tmpDir = join(dataDir, 'tmp')
  await mkdir(tmpDir, { recursive: true })
  // A private tmpdir: servers started side by side must not share temporary table files in /tmp.
  const common = ['--no-defaults', `--datadir=${dbDir}`, `--tmpdir=${tmpDir}`, '--innodb-log-file-size=8M', ...asRoot]
  if (!existsSync(join(dbDir, 'mysql'))) {
    const result = spawnSync(installDb, [...common, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${installDb} failed: ${result.stderr}${result.stdout}`)
  }
  const chosenPort = port ?? await freePort()
  const socket = join(tmpdir(), `sesame-${randomBytes(6).toString('hex')}.sock`)
  const server = await startProcess(mariadbd, [
    ...common,
    `--port=${chosenPort}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${join(dataDir, 'mariadb.pid')}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=64M',
    '--max-connections=500',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci'
  ], logFile)
  try {
    await waitUntilReady('MariaDB', async () => {
      const connection = await mysql.createConnection({ host: '127.0.0.1', port: chosenPort, user: 'root', connectTimeout: 1000 })
      try {
        await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
      } finally {
        await connection.end()
      }
    }, server.exited, logFile)
  } catch (err) {
    await server.stop()
    throw err
  }
  return { url: `mysql://root@127.0.0.1:${chosenPort}/${database}`, port: chosenPort, process: server.child, stop: server.stop }
}

export interface RedisOptions {
  dataDir: string
  port?: number
  /** Keep data across restarts (append-only file); off for tests. */
  persistent?: boolean
  extraArgs?: string[]
}

/** Starts redis-server on 127.0.0.1 with its data in `dataDir`. */
export async function startRedis ({ dataDir, port, persistent = false, extraArgs = [] }: RedisOptions): Promise<LocalServer> {
  const redisServer = findBinary(...BINARIES.redis)
  if (redisServer === null) throw new Error('redis-server not found: run ensureServerBinaries() first')
  await mkdir(dataDir, { recursive: true })
  const chosenPort = port ?? await freePort()
  const logFile = join(dataDir, 'redis.log')
  const server = await startProcess(redisServer, [
    '--port', String(chosenPort),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--save', '',
    '--appendonly', persistent ? 'yes' : 'no',
    '--daemonize', 'no',
    ...extraArgs
  ], logFile)
  try {
    await waitUntilReady('Redis', () => redisPing(chosenPort), server.exited, logFile)
  } catch (err) {
    await server.stop()
    throw err
  }
  return { url: `redis://127.0.0.1:${chosenPort}`, port: chosenPort, process: server.child, stop: server.stop }
}
