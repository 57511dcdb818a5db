import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry } from 'prom-client'
import type { Config } from '../config/env.js'
import { serviceEnv, startMissingServices } from '../dev/dev-services.js'
import { startMetricsServer } from '../observability/metrics.js'

const STOP_TIMEOUT_MS = 15_000
const log = (message: string) => console.log(`sesame primary ${process.pid}: ${message}`)

/**
 * WORKERS > 1: this process forks the workers, which share one port (Node's cluster module hands out
 * connections round-robin), and serves their summed metrics on METRICS_PORT. It starts the local
 * dev servers once, if needed, and passes their URLs to the workers in their environment. SIGTERM or
 * SIGINT stops every worker gracefully; the primary exits 0 when all of them did.
 */
export async function runPrimary (config: Config): Promise<void> {
  const { config: filled, services } = await startMissingServices(config)
  const workerEnv = serviceEnv(filled)
  const stopServices = () => Promise.all(services.map((service) => service.stop()))
  const aggregator = new AggregatorRegistry()
  const metricsServer = config.METRICS_PORT === 0
    ? null
    : await startMetricsServer(config.METRICS_HOST ?? config.HOST, config.METRICS_PORT, () => aggregator.clusterMetrics(), aggregator.contentType)

  const listening = new Set<Worker>()
  const state = { stopping: false, failed: false }
  let resolveStopped: () => void = () => {}
  const stopped = new Promise<void>((resolve) => { resolveStopped = resolve })

  const stop = async (reason: string) => {
    if (state.stopping) return
    state.stopping = true
    log(`${reason}; stopping ${Object.keys(cluster.workers ?? {}).length} workers`)
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined)
    const exits = workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve()
      worker.once('exit', () => resolve())
      worker.process.kill('SIGTERM')
    }))
    const timer = setTimeout(() => {
      state.failed = true
      for (const worker of workers) worker.process.kill('SIGKILL')
    }, STOP_TIMEOUT_MS)
    await Promise.all(exits)
    clearTimeout(timer)
    if (metricsServer !== null) await new Promise((resolve) => metricsServer.close(resolve))
    await stopServices()
    resolveStopped()
  }

  cluster.on('listening', (worker, address) => {
    listening.add(worker)
    if (listening.size === config.WORKERS) log(`${config.WORKERS} workers listening on port ${address.port}`)
  })
  cluster.on('exit', (worker, code, signal) => {
    const cleanly = code === 0 && signal === null
    if (!cleanly) state.failed = true
    if (state.stopping) return
    if (!listening.has(worker)) {
      // A worker that cannot even start (bad MySQL URL, port taken…) would only fail again.
      stop(`worker ${worker.process.pid ?? '?'} exited during start (code ${code}, signal ${signal})`).catch(console.error)
      return
    }
    listening.delete(worker)
    log(`worker ${worker.process.pid ?? '?'} died (code ${code}, signal ${signal}); starting another`)
    cluster.fork(workerEnv)
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => { stop(`${signal} received`).catch(console.error) })
  }

  for (let i = 0; i < config.WORKERS; i++) cluster.fork(workerEnv)
  await stopped
  process.exit(state.failed ? 1 : 0)
}
