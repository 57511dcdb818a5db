import fp from 'fastify-plugin'
import type { Config } from '../src/config/env.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

/** Makes the configuration validated at start (src/config.ts) readable everywhere as `app.config`. */
export default fp<{ config: Config }>(async (app, { config }) => {
  app.decorate('config', config)
}, { name: 'config' })
