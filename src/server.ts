import cluster from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { startMissingServices } from './dev-services.js'
import { runPrimary } from './primary.js'

async function main () {
  const config = loadConfig(process.env) // fail fast, naming the bad variable, before starting anything
  if (cluster.isPrimary && config.WORKERS > 1) return await runPrimary(config)
  if (cluster.isWorker) return await serve({ worker: true })
  return await serve({ worker: false })
}

// The benchmark starts Sesame with --expose-gc and sends SIGUSR2 to collect before it reads memory;
// only then is SIGUSR2 taken from close-with-grace, for which it otherwise means "shut down".
const collectGarbage = (globalThis as { gc?: () => void }).gc

async function serve ({ worker }: { worker: boolean }) {
  // A worker gets the URLs from its primary, which started any local servers itself.
  const services = worker ? [] : await startMissingServices(process.env)
  const stopServices = () => Promise.all(services.map((service) => service.stop()))
  let app
  try {
    app = await buildApp({ metricsViaPrimary: worker }, process.env)
  } catch (err) {
    await stopServices()
    throw err
  }
  // A worker takes its orders from the primary: Ctrl-C reaches the whole process group, and the
  // primary then sends each worker SIGTERM once (a second signal would make close-with-grace exit 1).
  if (worker) process.on('SIGINT', () => {})
  const state = { closing: false }
  if (collectGarbage !== undefined) process.on('SIGUSR2', () => collectGarbage())
  const skip: closeWithGrace.AllEvents[] = [...(worker ? ['SIGINT' as const] : []), ...(collectGarbage !== undefined ? ['SIGUSR2' as const] : [])]
  closeWithGrace({ delay: 10_000, skip }, async ({ err, signal }) => {
    state.closing = true
    if (err !== undefined) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
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
