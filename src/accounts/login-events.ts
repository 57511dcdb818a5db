import type { EventContext, EventData } from '../events/types.js'
import type { Events } from '../events/index.js'

/**
 * The events of a failed login of a known user: login.failed, and login.locked by the failure that spends the
 * budget (`failures`: the count the failure counter returned). An unknown number has no user to record it for.
 */
export async function recordLoginFailure (deps: { events: Pick<Events, 'record'>, maxLoginFailures: number }, userId: number | null, failures: number, context: EventContext, data: EventData = {}) {
  if (userId === null) return
  await deps.events.record({ type: 'login.failed', userId, data: { ...data, failures }, context })
  if (failures === deps.maxLoginFailures) await deps.events.record({ type: 'login.locked', userId, data: { ...data, failures }, context })
}
