import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { startMissingServices } from './dev-services.js'

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
