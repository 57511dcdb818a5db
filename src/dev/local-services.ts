/*
 * Private MariaDB and Redis servers on loopback, for `npm start` without MYSQL_URL/REDIS_URL, for
 * the tests and for the benchmark. Each server gets its own data folder and a free port, and is
 * stopped with the process that started it.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { BINARIES, ensureServerBinaries, findBinary, freePort, startProcess, waitUntilReady } from './processes.js'
import { mariadbReady, redisPing } from './probes.js'

export { ensureServerBinaries, findBinary, freePort }

export interface LocalServer {
  url: string
  port: number
  process: ChildProcess
  /** Stops the server and waits for it to exit. */
  stop: () => Promise<void>
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
    await waitUntilReady('MariaDB', () => mariadbReady(chosenPort, database), server.exited, logFile)
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
    '--pidfile', join(dataDir, 'redis.pid'),
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
