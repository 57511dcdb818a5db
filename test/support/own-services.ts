import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import type { RawEnv } from '../../src/config/env.js'
import { ensureServerBinaries, startMariaDb, startRedis, type LocalServer } from '../../src/dev/local-services.js'
import { buildFromEnv, FAST_HASH, type App, type Teardown } from './helper.js'

/**
 * A MariaDB and a Redis that belong to one test file, so that it may stop, kill, pause and restart
 * them (on the same port and data folder) without disturbing the servers of other tests.
 */
export interface OwnServices {
  mariadb: LocalServer
  redis: LocalServer
  /** Stops MariaDB (SIGTERM) or, with `signal`, sends it that signal and waits for the exit. */
  stopMariaDb: (signal?: NodeJS.Signals) => Promise<void>
  stopRedis: (signal?: NodeJS.Signals) => Promise<void>
  startMariaDb: () => Promise<LocalServer>
  startRedis: () => Promise<LocalServer>
  env: RawEnv
}

export interface OwnServicesOptions {
  /** Redis keeps its data across restarts (append-only file). */
  persistentRedis?: boolean
  redisArgs?: string[]
}

const stopWith = async (server: LocalServer, signal?: NodeJS.Signals) => {
  const child = server.process
  if (child.exitCode !== null || child.signalCode !== null) return
  if (signal === undefined) return await server.stop()
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}

export async function ownServices (t: Teardown, options: OwnServicesOptions = {}): Promise<OwnServices> {
  ensureServerBinaries()
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-own-'))
  const mariadbDir = join(dataDir, 'mariadb')
  const redisDir = join(dataDir, 'redis')
  const redisOptions = { dataDir: redisDir, persistent: options.persistentRedis ?? false, extraArgs: options.redisArgs ?? [] }
  const services: OwnServices = {
    mariadb: await startMariaDb({ dataDir: mariadbDir }),
    redis: await startRedis(redisOptions),
    stopMariaDb: (signal) => stopWith(services.mariadb, signal),
    stopRedis: (signal) => stopWith(services.redis, signal),
    startMariaDb: async () => {
      services.mariadb = await startMariaDb({ dataDir: mariadbDir, port: services.mariadb.port })
      return services.mariadb
    },
    startRedis: async () => {
      services.redis = await startRedis({ ...redisOptions, port: services.redis.port })
      return services.redis
    },
    env: {}
  }
  services.env = {
    MYSQL_URL: services.mariadb.url,
    REDIS_URL: services.redis.url,
    LOG_LEVEL: 'silent',
    IP_RATE_LIMIT_PER_MINUTE: '100000',
    DEPENDENCY_WAIT_SECONDS: '5'
  }
  t.teardown(async () => {
    for (const server of [services.mariadb, services.redis]) {
      if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGCONT')
    }
    await Promise.all([services.mariadb.stop(), services.redis.stop()])
    await rm(dataDir, { recursive: true, force: true })
  })
  return services
}

/** The app on these servers, with cheap hashing; closed when `t` ends. */
export async function buildOn (t: Teardown, services: OwnServices, env: RawEnv = {}): Promise<App> {
  const app = await buildFromEnv({ logger: false, hashParameters: FAST_HASH }, { ...services.env, ...env })
  t.teardown(() => app.close())
  return app
}

/** Thaws a MariaDB frozen with SIGSTOP and waits (up to 10 s) until `app`'s pool answers again. */
export async function thawMariaDb (services: OwnServices, app: App) {
  services.mariadb.process.kill('SIGCONT')
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline && await app.mysql.query('SELECT 1').then(() => false, () => true)) await sleep(100)
}

/** Runs `work` and measures how long it took. */
export async function timed<T> (work: () => Promise<T>): Promise<{ value: T, ms: number }> {
  const start = performance.now()
  const value = await work()
  return { value, ms: performance.now() - start }
}
