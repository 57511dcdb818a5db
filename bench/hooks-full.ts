/*
 * The whole app for `npm run bench:hooks -- --full`: buildApp on private MariaDB and Redis, as the
 * bench runs it (LOG_LEVEL=warn, metrics on), and the same with what config can switch off removed.
 */
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig, type RawEnv } from '../src/config/env.js'
import { ensureServerBinaries, freePort, startMariaDb, startRedis } from '../src/dev/local-services.js'
import type { FastifyInstance, InjectOptions } from 'fastify'

/** What a phone app sends with every request. */
export const HEADERS = { 'accept-language': 'en-US,en;q=0.9', 'user-agent': 'Sesame-iOS/1.0', accept: 'application/json' }
// A loop of injects starves timers, which reads as event-loop delay: the threshold is out of reach here,
// and the check costs the same whatever its value.
export const LOOP_DELAY = { MAX_EVENT_LOOP_DELAY_MS: '60000' }

export interface Variant { name: string, app: FastifyInstance, request: InjectOptions }
const FAST_HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 }
const devNull = { write: () => {} }

export async function fullVariants (dataDir: string): Promise<{ variants: Variant[], stop: () => Promise<void> }> {
  ensureServerBinaries()
  const [mariadb, redis] = await Promise.all([
    startMariaDb({ dataDir: join(dataDir, 'mariadb') }),
    startRedis({ dataDir: join(dataDir, 'redis') })
  ])
  const build = async (env: RawEnv) => buildApp({ logStream: devNull, hashParameters: FAST_HASH }, loadConfig({
    MYSQL_URL: mariadb.url,
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    IP_RATE_LIMIT_PER_MINUTE: '1000000000',
    DOCS_ENABLED: 'false',
    ...LOOP_DELAY,
    ...env
  }))
  const withMetrics = async () => ({ METRICS_PORT: String(await freePort()) })
  const sesame = await build(await withMetrics())
  const phone = '+8613800000001'
  const password = 'bench password 1'
  await sesame.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password } })
  const login = await sesame.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
  const token = (login.json() as { token?: string }).token
  if (token === undefined) throw new Error(`login failed: ${login.body}`)
  const health = { method: 'GET' as const, url: '/health', headers: HEADERS }
  const user = { method: 'GET' as const, url: '/user', headers: { ...HEADERS, token } }
  const variants: Variant[] = [
    { name: 'Sesame GET /health (buildApp, metrics on)', app: sesame, request: health },
    { name: 'Sesame GET /health, METRICS_PORT=0', app: await build({}), request: health },
    { name: 'Sesame GET /health, no load shedding', app: await build({ ...await withMetrics(), MAX_EVENT_LOOP_DELAY_MS: '0', MAX_HEAP_USED_BYTES: '0' }), request: health },
    { name: 'Sesame GET /user (buildApp, metrics on)', app: sesame, request: user }
  ]
  const stop = async () => { await Promise.all([mariadb.stop(), redis.stop()]) }
  return { variants, stop }
}
