/** Who started a session, so that a person can recognise it in GET /sessions (SPEC §13). */
export interface SessionClient {
  userAgent: string
  ip: string
  deviceName?: string
  appVersion?: string
}

/** A login's client, with the device token it presented (SPEC §4). */
export interface LoginContext extends SessionClient {
  deviceToken?: string
}

export interface SessionInfo {
  id: string
  createdAt: string
  lastSeenAt: string
  userAgent: string
  ip: string
  deviceName: string | null
  appVersion: string | null
}
