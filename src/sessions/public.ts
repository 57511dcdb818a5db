import type { SessionInfo } from './client.js'

/** A session on the wire (GET /sessions, the admin lookup, the export): everything but secrets. */
export const toPublicSession = (s: SessionInfo) => ({
  id: s.id,
  created_at: s.createdAt,
  last_seen_at: s.lastSeenAt,
  ip: s.ip,
  user_agent: s.userAgent,
  device_name: s.deviceName,
  app_version: s.appVersion
})
