/*
 * npm run bench:hooks [-- --requests 20000 --rounds 5 --full]
 * What each of Sesame's global hooks costs per request. Each variant is a bare Fastify app with one
 * piece of Sesame's pipeline added (the real plugin or hook, imported from src/ and plugins/), and the
 * variants are measured in turn, round after round, in this one process: `requests` × app.inject()
 * of GET /health, 50 at a time, timed by the process's CPU time (process.cpuUsage), not the wall
 * clock, so another job on the machine moves the numbers less. The cost of a hook is the median over
 * the rounds of (its variant − bare), each difference taken within one round. With --full it also
 * builds the whole app (on private MariaDB and Redis) with and without the hooks that config turns off.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { loadConfig, type RawEnv } from '../src/config/env.js'
import { LOG_REDACT_PATHS } from '../src/observability/logging.js'
import { echoRequestId, requestIdOf } from '../src/http/request-id.js'
import * as frameworkErrors from '../src/http/framework-errors.js'
import { freePort } from '../src/dev/local-services.js'
import config from '../plugins/config.js'
import errors from '../plugins/errors.js'
import i18n from '../plugins/i18n.js'
import metrics from '../plugins/metrics.js'
import loadShedding from '../plugins/load-shedding.js'
import securityHeaders from '../plugins/security-headers.js'
import { fullVariants, HEADERS, LOOP_DELAY, type Variant } from './hooks-full.js'

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    full: { type: 'boolean', default: false }
  }
})
const REQUESTS = Number(flags.requests)
const ROUNDS = Number(flags.rounds)
const IN_FLIGHT = 50

const devNull = new Writable({ write (_chunk, _encoding, callback) { callback() } })
const settings = (env: RawEnv = {}) => loadConfig({ MYSQL_URL: 'mysql://x@127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1', ...LOOP_DELAY, ...env })

/** A bare Fastify app with GET /health and what `add` puts in front of it. */
async function variant (name: string, add: (app: FastifyInstance) => Promise<void> = async () => {}, options: FastifyServerOptions = {}): Promise<Variant> {
  const app = Fastify(options)
  await add(app)
  app.get('/health', async () => ({ code: 1, message: 'ok' }))
  await app.ready()
  return { name, app, request: { method: 'GET', url: '/health', headers: HEADERS } }
}

const withConfig = (env: RawEnv = {}) => (app: FastifyInstance) => app.register(config, { config: settings(env) })

/** One variant per hook; each adds to bare Fastify only what that hook needs. */
async function hookVariants (): Promise<Variant[]> {
  const timeoutHook = (frameworkErrors as Record<string, unknown>).requestTimeout as ((ms: number) => never) | undefined
  const variants = [
    await variant('bare Fastify'),
    await variant('+ security headers (plugins/security-headers.ts)', async (app) => { await withConfig()(app); await app.register(securityHeaders) }),
    await variant('+ load shedding (plugins/load-shedding.ts)', async (app) => {
      await withConfig()(app); await app.register(errors); await app.register(loadShedding)
    }),
    await variant('+ metrics (plugins/metrics.ts)', async (app) => {
      await withConfig({ METRICS_PORT: String(await freePort()) })(app)
      // The plugin only listens for Redis connection errors on it.
      app.decorate('redis', new EventEmitter() as unknown as FastifyInstance['redis'])
      await app.register(metrics)
    }),
    await variant('+ error handler, 404/405 (plugins/errors.ts)', async (app) => { await app.register(errors) }),
    await variant('+ request id (src/http/request-id.ts)', async (app) => { app.addHook('onRequest', echoRequestId) },
      { genReqId: requestIdOf, requestIdHeader: false }),
    await variant('+ host check (requireHost)', async (app) => { app.addHook('onRequest', frameworkErrors.requireHost) }),
    await variant('+ i18n (plugins/i18n.ts)', async (app) => { await app.register(i18n) }),
    await variant('+ logger at warn', async () => {}, { logger: { level: 'warn', redact: LOG_REDACT_PATHS, stream: devNull } })
  ]
  // Gone once Node's server.requestTimeout replaced the per-request timer.
  if (timeoutHook !== undefined) variants.push(await variant('+ request timeout timer', async (app) => { app.addHook('onRequest', timeoutHook(10_000)) }))
  return variants
}

/** CPU µs per request of `requests` injects, IN_FLIGHT at a time. */
async function measure ({ app, request }: Variant, requests: number): Promise<number> {
  const start = process.cpuUsage()
  for (let sent = 0; sent < requests; sent += IN_FLIGHT) {
    const replies = await Promise.all(Array.from({ length: IN_FLIGHT }, () => app.inject(request)))
    if (replies[0]?.statusCode !== 200) throw new Error(`${request.url} answered ${replies[0]?.statusCode}: ${replies[0]?.body}`)
    await new Promise(setImmediate) // let timers run, as between requests on a server
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / requests
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? NaN : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

async function main () {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-hooks-'))
  const full = flags.full ? await fullVariants(dataDir) : { variants: [], stop: async () => {} }
  const variants = [...await hookVariants(), ...full.variants]
  try {
    for (const each of variants) await measure(each, Math.min(REQUESTS, 5000)) // warm-up: JIT, caches
    const readings = variants.map(() => [] as number[])
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`round ${round + 1} of ${ROUNDS}…`)
      for (const [i, each] of variants.entries()) readings[i]?.push(await measure(each, REQUESTS))
    }
    const bare = readings[0] ?? []
    console.log(`\n${REQUESTS} × GET /health by app.inject, ${IN_FLIGHT} in flight, ${ROUNDS} rounds; CPU µs per request (median, min–max); cost = median of (variant − bare) within each round`)
    console.log('\n| variant | CPU µs/req | min–max | cost vs bare µs | × bare |\n|---|--:|--:|--:|--:|')
    for (const [i, each] of variants.entries()) {
      const values = readings[i] ?? []
      const cost = median(values.map((value, round) => value - (bare[round] ?? NaN)))
      console.log(`| ${each.name} | ${median(values).toFixed(1)} | ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} | ${i === 0 ? '–' : cost.toFixed(1)} | ${(median(values) / median(bare)).toFixed(2)} |`)
    }
  } finally {
    await Promise.all(variants.map((each) => each.app.close()))
    await full.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

await main()
