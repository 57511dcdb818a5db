import { setTimeout as sleep } from 'node:timers/promises'
import cluster from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config/env.js'
import { startMissingServices } from './dev/dev-services.js'
import { runPrimary } from './runtime/primary.js'

async function main () {
  const config = loadConfig(process.env) // once, before starting anything: a bad variable stops here, named
  if (cluster.isPrimary && config.WORKERS > 1) return await runPrimary(config)
  return await serve(config, { worker: cluster.isWorker })
}

async function serve (settings: Config, { worker }: { worker: boolean }) {
  // A worker gets the URLs from its primary, which started any local servers itself.
  const { config, services } = worker ? { config: settings, services: [] } : await startMissingServices(settings)
  const stopServices = () => Promise.all(services.map((service) => service.stop()))
  let app
  try {
    app = await buildApp({ metricsViaPrimary: worker }, config)
  } catch (err) {
    await stopServices()
    throw err
  }
  // A worker takes its orders from the primary: Ctrl-C reaches the whole process group, and the
  // primary then sends each worker SIGTERM once (a second signal would make close-with-grace exit 1).
  if (worker) process.on('SIGINT', () => {})
  const state = { closing: false }
  const drainMs = config.SHUTDOWN_DRAIN_SECONDS * 1000
  closeWithGrace({ delay: 10_000 + drainMs, skip: worker ? ['SIGINT'] : [] }, async ({ err, signal }) => {
    state.closing = true
    if (err !== undefined) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal, drainSeconds: config.SHUTDOWN_DRAIN_SECONDS }, 'shutting down')
    if (err === undefined && drainMs > 0) {
      // /ready answers 503 first, so the load balancer stops sending traffic before the listener closes.
      app.readiness.draining = true
      await sleep(drainMs)
    }
    // A keep-alive connection whose request was in flight when the listener closed turns idle only after its
    // reply, and Node closes idle connections once, at close: without this sweep it held the shutdown until
    // close-with-grace gave up (exit 1).
    const sweep = setInterval(() => { app.server.closeIdleConnections() }, 100)
    try {
      await app.close()
    } finally {
      clearInterval(sweep)
    }
    await stopServices()
  })
  // The primary is gone (killed outright): stop rather than live on as an orphan.
  if (worker) process.once('disconnect', () => { if (!state.closing) process.kill(process.pid, 'SIGTERM') })
  await app.listen({ host: app.config.HOST, port: app.config.PORT })
}

main().catch((err: unknown) => {
  console.error(`sesame: cannot start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
