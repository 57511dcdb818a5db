import fp from 'fastify-plugin'
import fastifyUnderPressure from '@fastify/under-pressure'
import { AppError } from '../src/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer this route even under pressure (/health, /ready): it is cheap, and a load balancer must tell busy from dead. */
    alwaysServe?: boolean
  }
}

const RETRY_AFTER_SECONDS = 5

/**
 * Load shedding (@fastify/under-pressure): while the event loop lags more than MAX_EVENT_LOOP_DELAY_MS
 * on average, or the heap passes MAX_HEAP_USED_BYTES, requests get 503 service_unavailable with
 * Retry-After at once instead of queueing (0 turns a limit off). The handler throws, so the 503 goes
 * through plugins/errors.ts like any other failure and is in the envelope.
 */
export default fp(async (app) => {
  const { MAX_EVENT_LOOP_DELAY_MS, MAX_HEAP_USED_BYTES } = app.config
  if (MAX_EVENT_LOOP_DELAY_MS === 0 && MAX_HEAP_USED_BYTES === 0) return
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: MAX_HEAP_USED_BYTES,
    sampleInterval: 500,
    pressureHandler: async (request, _reply, type) => {
      if (request.routeOptions.config.alwaysServe === true) return
      request.log.warn({ pressure: type }, 'shedding load')
      throw new AppError(503, 'service_unavailable', 'the server is overloaded, please retry', {
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }
      })
    }
  })
}, { name: 'load-shedding', dependencies: ['config', 'errors'] })
