import { randomUUID } from 'node:crypto'

/** SPEC §14's event types, and admin.lookup: an admin reading an account changes nothing, so no SPEC type fits it. */
export const EVENT_TYPES = [
  'user.registered', 'login.succeeded', 'login.failed', 'login.locked', 'session.revoked', 'password.changed',
  'password.reset', 'phone.changed', '2fa.enabled', '2fa.disabled', 'user.deleted', 'user.banned', 'user.unbanned',
  'sms.limit_reached', 'admin.lookup'
] as const

export type EventType = typeof EVENT_TYPES[number]

/** Where a request came from; both are stored with the event. */
export interface EventContext { ip?: string | null, userAgent?: string | null }

/** What `data` may hold: plain values. It must hold no secret: no password, token, code, hash or device token. */
export type EventData = Record<string, string | number | boolean | null>

/** An event to write. */
export interface NewEvent {
  type: EventType
  userId: number | null
  data?: EventData
  context?: EventContext
}

/** An event as GET /user/events, the export and webhooks show it (SPEC §14). */
export interface SecurityEvent {
  id: number
  type: string
  user_id: number | null
  at: string
  ip: string | null
  user_agent: string | null
  data: Record<string, unknown>
}

/** An event with the fields fixed when it happened: its uid (for writing it once) and its time. */
export interface StampedEvent {
  uid: string
  type: EventType
  userId: number | null
  at: string
  ip: string | null
  userAgent: string | null
  data: EventData
}

export const stamp = (event: NewEvent, at = new Date()): StampedEvent => ({
  uid: randomUUID(),
  type: event.type,
  userId: event.userId,
  at: at.toISOString(),
  ip: event.context?.ip?.slice(0, 64) ?? null,
  userAgent: event.context?.userAgent?.slice(0, 512) ?? null,
  data: event.data ?? {}
})

/** The context of a Fastify request. */
export const requestContext = (request: { ip: string, headers: Record<string, string | string[] | undefined> }): EventContext => {
  const agent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 256) : null }
}

/** What an admin call adds to its event's data (issue 18: every admin call is an event). */
export const BY_ADMIN = { by: 'admin' } as const

/**
 * The phone.changed event, for the POST /user/phone flow: pass it to `app.events.write` with the UPDATE of the
 * number, so both commit together. No number in it (the old one is personal data the user may want gone).
 */
export const phoneChanged = (userId: number, context: EventContext, data: EventData = {}): NewEvent =>
  ({ type: 'phone.changed', userId, data, context })
