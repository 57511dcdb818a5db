import { Type } from '@sinclair/typebox'

export const SecurityEvent = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: 'user.registered, login.succeeded, … (docs/API.md §14); admin.lookup for an admin lookup' }),
  user_id: Type.Union([Type.Integer(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'details; never a secret' })
})

// A query string arrives as strings and nothing is coerced: checked by pattern, converted in the route.
export const EventsQuery = Type.Object({
  before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'an event id: the page of events older than it' }))
})

export const EventsData = { events: Type.Array(SecurityEvent) }
