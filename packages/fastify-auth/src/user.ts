/** The one user shape: what Sesame's repository returns, the session cache holds and a route replies with. */
export interface User {
  id: number
  /** E.164. */
  phoneNumber: string
  nickname: string | null
  /** ISO 8601, whole seconds. */
  registerTime: string
}

/** The user a token resolves to, as cached in Redis, with the session the token belongs to. */
export interface SessionUser extends User {
  sessionId: string
  /** SHA-256 of the token's secret, as Redis keeps it (what a logout needs). */
  tokenDigest: string
  /** When the session ends (ms since the epoch) unless it slides again: what its key's PEXPIRE was set to. */
  expiresAt: number
}
