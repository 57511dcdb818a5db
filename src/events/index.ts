import fp from 'fastify-plugin'
import { drainPending, recordEvent } from './record.js'
import { createEventStore, type EventStore } from './store.js'
import type { NewEvent } from './types.js'
import { createWebhookWorker } from './webhooks.js'

/** The event store, and `record` for the event of a Redis-only change (src/events/record.ts). */
export type Events = EventStore & { record: (event: NewEvent) => Promise<void> }

declare module 'fastify' {
  interface FastifyInstance {
    events: Events
  }
}

const PRUNE_EVERY_MS = 5 * 60_000
const DRAIN_EVERY_MS = 2000
const POLL_MS = 500

/**
 * Security events (SPEC §14) and their background jobs: the bounded 90-day pruning, the writing of events parked
 * in Redis while MySQL was away, and, with WEBHOOK_URL and WEBHOOK_SECRET, the webhook worker. A job that has more
 * to do runs again at once (each round is bounded); one that failed waits for its period and tries again.
 */
export default fp(async (app) => {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret } = app.config
  const webhooks = url !== undefined && secret !== undefined
  const store = createEventStore(app.mysql, { outbox: webhooks })
  const deps = { events: store, redis: app.redis, log: app.log }
  app.decorate('events', { ...store, record: (event: NewEvent) => recordEvent(deps, event) })

  let stopped = false
  const running = new Set<Promise<unknown>>()
  const timers = new Set<NodeJS.Timeout>()
  const every = (name: string, ms: number, work: () => Promise<number>) => {
    const next = (delay: number) => {
      if (stopped) return
      const timer = setTimeout(() => {
        timers.delete(timer)
        const round = work().then((count) => next(count > 0 ? 0 : ms), (err: unknown) => {
          app.log.warn({ err, job: name }, 'events background job failed; will retry')
          next(ms)
        })
        running.add(round)
        round.finally(() => running.delete(round)).catch(() => {})
      }, delay)
      timer.unref()
      timers.add(timer)
    }
    next(Math.round(ms * Math.random()))
  }
  every('prune', PRUNE_EVERY_MS, () => store.prune())
  every('drain', DRAIN_EVERY_MS, () => drainPending(deps))
  if (webhooks) {
    const metrics = app.metrics
    const worker = createWebhookWorker(app.mysql, {
      url,
      secret,
      log: app.log,
      metrics: metrics === null
        ? undefined
        : { result: (result) => metrics.webhooks.inc({ result }), backlogAge: (seconds) => metrics.webhookBacklogAge.set(seconds) }
    })
    every('webhooks', POLL_MS, worker.tick)
  }
  // Before MySQL and Redis close (onClose hooks run in reverse): stop the timers and wait for rounds in flight.
  app.addHook('onClose', async () => {
    stopped = true
    for (const timer of timers) clearTimeout(timer)
    await Promise.allSettled([...running])
  })
}, { name: 'events', dependencies: ['mysql', 'redis', 'metrics'] })
