import { createHash } from 'node:crypto'

/** The one user shape: what the repository returns, the session cache holds and a route replies with. */
export interface User {
  id: number
  /** E.164 once normalised (src/accounts/input.ts). */
  phoneNumber: string
  nickname: string | null
  /** ISO 8601, whole seconds. */
  registerTime: string
  /**
   * How many times the number was changed (MySQL `phone_version`), when read from MySQL: the cached user
   * takes a number only from a write at least as new as its own (src/sessions/cached-user.ts).
   */
  phoneVersion?: number
}

/** A user as the repository stores it: the user and the password hash, which never leaves accounts/. */
export interface StoredUser extends User {
  passwordHash: string
  /** When an admin banned the user (docs/API.md §14), or null. */
  bannedAt: string | null
}

/**
 * What a login remembers of the credentials it checked (a digest of the password hash, never the hash):
 * a login whose check raced a password change or reset sees another stamp afterwards and keeps no session.
 */
export const credentialStamp = (user: Pick<StoredUser, 'passwordHash'>) =>
  createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 22)

/** The user without what never leaves the server. */
export const withoutSecrets = ({ passwordHash: _hash, bannedAt: _banned, ...user }: StoredUser): User => user

/** The user on the wire, with the original app's field names. */
export const toPublicUser = (user: User) => ({
  id: user.id,
  phone_number: user.phoneNumber,
  nickname: user.nickname,
  register_time: user.registerTime
})
