import { join } from 'node:path'
import type { Config } from '../config/env.js'
import { PROJECT_ROOT } from '../config/project.js'
import { ensureServerBinaries, startMariaDb, startRedis, type LocalServer } from './local-services.js'

/**
 * Without MYSQL_URL / REDIS_URL, runs private MariaDB and Redis servers with their data under .data/
 * (or SESAME_DATA_DIR, which the tests use to keep the checkout clean). Returns the configuration
 * with their URLs filled in, and the servers to stop at the end.
 */
export async function startMissingServices (config: Config, wanted = { redis: true }): Promise<{ config: Config, services: LocalServer[] }> {
  const needMysql = config.MYSQL_URL === undefined
  const needRedis = wanted.redis && config.REDIS_URL === undefined && config.REDIS_CLUSTER_NODES === undefined
  if (!needMysql && !needRedis) return { config, services: [] }
  ensureServerBinaries()
  const dataRoot = config.SESAME_DATA_DIR ?? join(PROJECT_ROOT, '.data')
  const services: LocalServer[] = []
  const filled = { ...config }
  if (needMysql) {
    const mariadb = await startMariaDb({ dataDir: join(dataRoot, 'mariadb') })
    services.push(mariadb)
    filled.MYSQL_URL = mariadb.url
    console.log(`started a private MariaDB at ${mariadb.url} (data in ${join(dataRoot, 'mariadb')})`)
  }
  if (needRedis) {
    const redis = await startRedis({ dataDir: join(dataRoot, 'redis'), persistent: true })
    services.push(redis)
    filled.REDIS_URL = redis.url
    console.log(`started a private Redis at ${redis.url} (data in ${join(dataRoot, 'redis')})`)
  }
  return { config: filled, services }
}

/** The URLs of servers a primary started, for its workers' environment. */
export const serviceEnv = (config: Config): Record<string, string> => ({
  ...(config.MYSQL_URL === undefined ? {} : { MYSQL_URL: config.MYSQL_URL }),
  ...(config.REDIS_URL === undefined ? {} : { REDIS_URL: config.REDIS_URL })
})
