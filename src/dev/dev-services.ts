import { join } from 'node:path'
import type { Config } from '../config/env.js'
import { PROJECT_ROOT } from '../config/project.js'
import type { Server } from './install-advice.js'
import { ensureServerBinaries, startMariaDb, startRedis } from './local-services.js'
import { mariadbReady, redisPing } from './probes.js'
import { provide, type DevService } from './provide.js'

export type { DevService }

const DATABASE = 'sesame'

/**
 * Without MYSQL_URL / REDIS_URL, runs private MariaDB and Redis servers with their data under .data/
 * (or SESAME_DATA_DIR, which the tests use to keep the checkout clean), or reuses the ones already
 * running there (src/dev/provide.ts). Returns the configuration with their URLs filled in, and the
 * servers to stop at the end.
 */
export async function startMissingServices (config: Config, wanted = { redis: true }): Promise<{ config: Config, services: DevService[] }> {
  const needMysql = config.MYSQL_URL === undefined
  const needRedis = wanted.redis && config.REDIS_URL === undefined && config.REDIS_CLUSTER_NODES === undefined
  if (!needMysql && !needRedis) return { config, services: [] }
  const servers: Server[] = needMysql ? ['mariadb'] : []
  if (needRedis) servers.push('redis')
  ensureServerBinaries(console.log, servers)
  const dataRoot = config.SESAME_DATA_DIR ?? join(PROJECT_ROOT, '.data')
  const services: DevService[] = []
  const filled = { ...config }
  try {
    if (needMysql) {
      const dataDir = join(dataRoot, 'mariadb')
      const mariadb = await provide({
        kind: 'mariadb',
        name: 'MariaDB',
        dataDir,
        urlVariable: 'MYSQL_URL',
        urlOf: (port) => `mysql://root@127.0.0.1:${port}/${DATABASE}`,
        probe: (port) => mariadbReady(port, DATABASE),
        start: (port) => startMariaDb({ dataDir, port, database: DATABASE })
      })
      services.push(mariadb)
      filled.MYSQL_URL = mariadb.url
    }
    if (needRedis) {
      const dataDir = join(dataRoot, 'redis')
      const redis = await provide({
        kind: 'redis',
        name: 'Redis',
        dataDir,
        urlVariable: 'REDIS_URL',
        urlOf: (port) => `redis://127.0.0.1:${port}`,
        probe: redisPing,
        start: (port) => startRedis({ dataDir, port, persistent: true })
      })
      services.push(redis)
      filled.REDIS_URL = redis.url
    }
  } catch (err) {
    await Promise.all(services.map((service) => service.stop()))
    throw err
  }
  return { config: filled, services }
}

/** The URLs of servers a primary started, for its workers' environment. */
export const serviceEnv = (config: Config): Record<string, string> => ({
  ...(config.MYSQL_URL === undefined ? {} : { MYSQL_URL: config.MYSQL_URL }),
  ...(config.REDIS_URL === undefined ? {} : { REDIS_URL: config.REDIS_URL })
})
