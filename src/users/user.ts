import type { User } from '../../packages/fastify-auth/src/user.js'

/** The one user shape (what the repository returns, the session cache holds and a route replies with) is the package's. */
export type { User }

/** A user as the repository stores it: the user and the password hash, which never leaves accounts/. */
export interface StoredUser extends User {
  passwordHash: string
  /** When an admin banned the user (docs/API.md §14), or null. */
  bannedAt: string | null
}

/** The user on the wire, with the original app's field names. */
export const toPublicUser = (user: User) => ({
  id: user.id,
  phone_number: user.phoneNumber,
  nickname: user.nickname,
  register_time: user.registerTime
})
