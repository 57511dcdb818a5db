import type { FastifyBaseLogger } from 'fastify'
import type { Cluster, Redis } from 'ioredis'
import { PENDING_EVENTS_KEY } from '../redis/keys.js'
import type { EventStore } from './store.js'
import { stamp, type NewEvent, type StampedEvent } from './types.js'

export interface RecordDeps { events: EventStore, redis: Redis | Cluster, log: FastifyBaseLogger }

/**
 * The event of a Redis-only change (a login, a logout, a session ended), awaited before the reply. MySQL first;
 * if it cannot take it (down, or slower than its deadline) the event is parked in a Redis list, which
 * `drainPending` later writes to MySQL (its uid makes that idempotent), so a logout still works without MySQL
 * and loses no event. Only when Redis refuses too does this throw, and then the request fails (503).
 */
export async function recordEvent (deps: RecordDeps, event: NewEvent) {
  const stamped = stamp(event)
  try {
    await deps.events.writeStamped([stamped])
  } catch (err) {
    deps.log.warn({ err, event: event.type, userId: event.userId }, 'security event parked in Redis: MySQL did not take it')
    await deps.redis.rpush(PENDING_EVENTS_KEY, JSON.stringify(stamped))
  }
}

/**
 * Writes up to `batch` parked events to MySQL, oldest first, then drops them from the list. Two instances may
 * drain the same ones at once: the uid makes the second write a no-op. Returns how many were written.
 */
export async function drainPending (deps: RecordDeps, batch = 100) {
  const parked = await deps.redis.lrange(PENDING_EVENTS_KEY, 0, batch - 1)
  if (parked.length === 0) return 0
  await deps.events.writeStamped(parked.map((raw) => JSON.parse(raw) as StampedEvent))
  for (const raw of parked) await deps.redis.lrem(PENDING_EVENTS_KEY, 1, raw)
  return parked.length
}
