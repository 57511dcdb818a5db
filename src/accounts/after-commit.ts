import type { FastifyBaseLogger } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'

/** How long the reply waits for Redis to come back (a Cluster failover takes 1–2 s), then how long the background keeps trying. */
const IN_REQUEST_MS = 5000
const IN_BACKGROUND_MS = 60_000

async function retry (step: () => Promise<unknown>, forMs: number, pauseMs: number) {
  const deadline = Date.now() + forMs
  for (;;) {
    try {
      await step()
      return true
    } catch {
      if (Date.now() + pauseMs > deadline) return false
      await sleep(pauseMs)
    }
  }
}

/**
 * The Redis half of a change MySQL has already committed (a password change, a reset, a deletion). The reply
 * may no longer be a 503, which must mean nothing changed (SPEC §5), so each step is retried while Redis
 * restarts or fails over; a step that still fails is logged at error level and retried in the background.
 * The steps are idempotent (ending sessions, dropping keys), so a retry after a lost reply does no harm.
 */
export async function afterCommit (log: FastifyBaseLogger, what: string, steps: Array<() => Promise<unknown>>) {
  for (const step of steps) {
    if (await retry(step, IN_REQUEST_MS, 200)) continue
    log.error({ change: what }, 'Redis did not take the second half of a committed change; retrying in the background')
    retry(step, IN_BACKGROUND_MS, 1000).then((done) => {
      if (!done) log.error({ change: what }, 'Redis never took the second half of a committed change')
    }, () => {})
  }
}
