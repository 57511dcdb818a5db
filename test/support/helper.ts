import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import tap from 'tap'
import { buildApp, type App, type BuildOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config/env.js'
import type { RawEnv } from '../../src/config/env.js'
import { ensureServerBinaries, startMariaDb, startRedis, type LocalServer } from '../../src/dev/local-services.js'
import { startRedisCluster, type LocalCluster } from './local-cluster.js'
import type { Cluster, Redis } from 'ioredis'

export interface Teardown { teardown (fn: () => unknown): void }

export interface TestServices {
  mysqlUrl: string
  redisUrl: string
  mariadb: LocalServer
  redis: LocalServer
  dataDir: string
}

let services: Promise<TestServices> | undefined

/** This test file's own MariaDB and Redis on free loopback ports, started once and stopped at the end. */
export function testServices (): Promise<TestServices> {
  services ??= (async () => {
    ensureServerBinaries()
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-test-'))
    const started = await Promise.allSettled([
      startMariaDb({ dataDir: join(dataDir, 'mariadb') }),
      startRedis({ dataDir: join(dataDir, 'redis') })
    ])
    const servers = started.flatMap((result) => result.status === 'fulfilled' ? [result.value] : [])
    const stopAll = async () => {
      await Promise.all(servers.map((server) => server.stop()))
      await rm(dataDir, { recursive: true, force: true })
    }
    const [mariadb, redis] = started
    if (mariadb?.status !== 'fulfilled' || redis?.status !== 'fulfilled') {
      await stopAll() // a half-started pair must not keep this test process alive
      const failure = started.find((result) => result.status === 'rejected')
      throw failure?.status === 'rejected' ? failure.reason : new Error('test servers did not start')
    }
    tap.teardown(stopAll)
    return { mysqlUrl: mariadb.value.url, redisUrl: redis.value.url, mariadb: mariadb.value, redis: redis.value, dataDir }
  })()
  return services
}

let cluster: Promise<LocalCluster> | undefined

/**
 * This test file's own Redis Cluster (3 masters, 1 replica each, node timeout 1 s), started once and
 * stopped at the end. `build` uses it instead of the single Redis when SESAME_TEST_REDIS=cluster.
 */
export function testCluster (): Promise<LocalCluster> {
  cluster ??= (async () => {
    const { dataDir } = await testServices()
    const started = await startRedisCluster({ dataDir: join(dataDir, 'redis-cluster') })
    tap.teardown(() => started.stop())
    return started
  })()
  return cluster
}

export type RedisTarget = 'single Redis' | 'Redis Cluster'

/** The Redis variables of the test servers: the single Redis, or the cluster. */
export async function redisEnvOf (target: RedisTarget): Promise<RawEnv> {
  if (target === 'Redis Cluster') return { REDIS_CLUSTER_NODES: (await testCluster()).nodes }
  return { REDIS_URL: (await testServices()).redisUrl }
}

/** The Redis variables `build` passes: the single Redis, or the cluster when SESAME_TEST_REDIS=cluster. */
export const redisEnv = () => redisEnvOf(process.env.SESAME_TEST_REDIS === 'cluster' ? 'Redis Cluster' : 'single Redis')

/** Every key matching `pattern`, from every master of a cluster (KEYS on a Cluster client asks one node only). */
export async function allKeys (redis: Redis | Cluster, pattern: string): Promise<string[]> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis as Redis]
  return (await Promise.all(nodes.map((node) => node.keys(pattern)))).flat()
}

/** Cheap argon2id parameters for tests that are not about hashing; the real ones are tested in passwords.test.ts. */
export const FAST_HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

/** `buildApp` on the configuration that `env` gives, as `src/server.ts` does with process.env. */
export const buildFromEnv = (options: BuildOptions, env: RawEnv) => buildApp(options, loadConfig(env))

export type { App }

/** Builds the app on this file's servers; it is closed when `t` ends. */
export async function build (t: Teardown, env: RawEnv = {}, options: BuildOptions = {}): Promise<App> {
  const { mysqlUrl } = await testServices()
  const app = await buildFromEnv(
    { logger: false, hashParameters: FAST_HASH, ...options },
    { MYSQL_URL: mysqlUrl, ...await redisEnv(), LOG_LEVEL: 'silent', IP_RATE_LIMIT_PER_MINUTE: '100000', ...env }
  )
  t.teardown(() => app.close())
  return app
}

/** A phone number no other test in this file uses. */
// A possible E.164 number (SPEC §2): a Chinese mobile, +86 138 and 8 random digits.
export const newPhone = () => `+86138${randomInt(10_000_000, 100_000_000)}`

export const PASSWORD = 'correct horse battery'

export async function registerUser (app: App, phone = newPhone(), password = PASSWORD, nickname?: string | null) {
  const res = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password, nickname } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  return { phone, password, user: res.json().user as { id: number, phone_number: string, nickname: string | null, register_time: string } }
}

export async function logIn (app: App, phone: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password }, headers })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return res.json().token as string
}

/** A registered user with a live session. */
export async function loggedInUser (app: App, nickname?: string | null) {
  const registered = await registerUser(app, newPhone(), PASSWORD, nickname)
  const token = await logIn(app, registered.phone)
  return { ...registered, token }
}
