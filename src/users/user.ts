import { createHash } from 'node:crypto'
import type { User as SessionCacheUser } from '../../packages/fastify-auth/src/user.js'

/** The one user shape (what the repository returns, the session cache holds and a route replies with): the package's. */
export interface User extends SessionCacheUser {
  /**
   * How many times the number was changed (MySQL `phone_version`), when read from MySQL: the cached user
   * takes a number only from a write at least as new as its own (src/sessions/cached-fields.ts).
   */
  phoneVersion?: number
  /** How many times the nickname was changed (MySQL `nickname_version`), likewise. */
  nicknameVersion?: number
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
