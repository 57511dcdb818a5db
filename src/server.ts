import closeWithGrace from 'close-with-grace'
import { join } from 'node:path'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { PROJECT_ROOT } from './paths.js'
import { ensureServerBinaries, startMariaDb, startRedis, type LocalServer } from './local-services.js'

/**
 * Without MYSQL_URL / REDIS_URL, runs private MariaDB and Redis servers with their data under .data/
 * (or SESAME_DATA_DIR, which the tests use to keep the checkout clean).
 */
async function startMissingServices (env: NodeJS.ProcessEnv): Promise<LocalServer[]> {
  const needMysql = env.MYSQL_URL === undefined || env.MYSQL_URL === ''
  const needRedis = (env.REDIS_URL ?? '') === '' && (env.REDIS_CLUSTER_NODES ?? '') === ''
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

async function main () {
  loadConfig(process.env) // fail fast, naming the bad variable, before starting anything
  const services = await startMissingServices(process.env)
  const stopServices = () => Promise.all(services.map((service) => service.stop()))
  let app
  try {
    app = await buildApp({}, process.env)
  } catch (err) {
    await stopServices()
    throw err
  }
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err !== undefined) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
    await stopServices()
  })
  await app.listen({ host: app.config.HOST, port: app.config.PORT })
}

main().catch((err: unknown) => {
  console.error(`sesame: cannot start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
