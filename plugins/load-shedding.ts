import fp from 'fastify-plugin'
import fastifyUnderPressure from '@fastify/under-pressure'
import { serviceUnavailable } from '../src/http/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer this route even under pressure (/health, /ready): it is cheap, and a load balancer must tell busy from dead. */
    alwaysServe?: boolean
  }
}

const RETRY_AFTER_SECONDS = 5
const SAMPLE_INTERVAL_MS = 500

/**
 * Load shedding (@fastify/under-pressure): while the event loop lags more than MAX_EVENT_LOOP_DELAY_MS
 * on average, or the heap passes MAX_HEAP_USED_BYTES, requests get 503 service_unavailable with
 * Retry-After at once instead of queueing (0 turns a limit off). The handler throws, so the 503 goes
 * through plugins/errors.ts like any other failure and is in the envelope.
 */
export default fp(async (app) => {
  const { MAX_EVENT_LOOP_DELAY_MS, MAX_HEAP_USED_BYTES } = app.config
  if (MAX_EVENT_LOOP_DELAY_MS === 0 && MAX_HEAP_USED_BYTES === 0) return
  // Boot blocks the loop (schemas compile, modules load), and a sample without a single tick reads as
  // an infinite delay: ignore the readings until two samples after the app is ready.
  const state = { armed: false }
  app.addHook('onReady', async () => {
    setTimeout(() => { state.armed = true }, 2 * SAMPLE_INTERVAL_MS).unref()
  })
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: MAX_HEAP_USED_BYTES,
    sampleInterval: SAMPLE_INTERVAL_MS,
    pressureHandler: async (request, _reply, type) => {
      if (!state.armed || request.routeOptions.config.alwaysServe === true) return
      request.log.warn({ pressure: type }, 'shedding load')
      throw serviceUnavailable('the server is overloaded, please retry', RETRY_AFTER_SECONDS)
    }
  })
}, { name: 'load-shedding', dependencies: ['config', 'errors'] })
