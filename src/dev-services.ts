import { join } from 'node:path'
import { PROJECT_ROOT } from './paths.js'
import { ensureServerBinaries, startMariaDb, startRedis, type LocalServer } from './local-services.js'

/**
 * Without MYSQL_URL / REDIS_URL, runs private MariaDB and Redis servers with their data under .data/
 * (or SESAME_DATA_DIR, which the tests use to keep the checkout clean).
 */
export async function startMissingServices (env: NodeJS.ProcessEnv, wanted = { redis: true }): Promise<LocalServer[]> {
  const needMysql = (env.MYSQL_URL ?? '') === ''
  const needRedis = wanted.redis && (env.REDIS_URL ?? '') === '' && (env.REDIS_CLUSTER_NODES ?? '') === ''
  if (!needMysql && !needRedis) return []
  ensureServerBinaries()
  const dataRoot = env.SESAME_DATA_DIR ?? join(PROJECT_ROOT, '.data')
  const started: LocalServer[] = []
  if (needMysql) {
    const mariadb = await startMariaDb({ dataDir: join(dataRoot, 'mariadb') })
    started.push(mariadb)
    env.MYSQL_URL = mariadb.url
    console.log(`started a private MariaDB at ${mariadb.url} (data in ${join(dataRoot, 'mariadb')})`)
  }
  if (needRedis) {
    const redis = await startRedis({ dataDir: join(dataRoot, 'redis'), persistent: true })
    started.push(redis)
    env.REDIS_URL = redis.url
    console.log(`started a private Redis at ${redis.url} (data in ${join(dataRoot, 'redis')})`)
  }
  return started
}
