import fp from 'fastify-plugin'
import { fail } from '../http/errors.js'
import { normalizePhoneNumber } from '../accounts/input.js'
import type { SessionStore } from '../sessions/store.js'
import type { UsersRepository } from '../users/repository.js'
import type { TwoFactor } from '../two-factor/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    admin: ReturnType<typeof createAdmin>
  }
}

/** Support's operations on any user (docs/API.md §14), behind ADMIN_KEYS. */
export function createAdmin (deps: { users: UsersRepository, sessions: SessionStore, twoFactor: Pick<TwoFactor, 'isEnabled'>, defaultCountry?: string | undefined }) {
  const existing = async (id: number) => {
    const user = await deps.users.findById(id)
    if (user === null) throw fail('not_found', 'no such user')
    return user
  }
  return {
    async lookUp (phoneNumber: string) {
      const user = await deps.users.findByPhone(normalizePhoneNumber(phoneNumber, deps.defaultCountry))
      if (user === null) throw fail('not_found', 'no user has this phone number')
      return { user, sessions: await deps.sessions.list(user.id), twoFactorEnabled: await deps.twoFactor.isEnabled(user.id) }
    },
    /** Bans the user and ends every session at once; later logins answer 403 account_banned. */
    async ban (id: number) {
      await existing(id)
      await deps.users.setBanned(id, true)
      return await deps.sessions.revokeAll(id)
    },
    async unban (id: number) {
      await existing(id)
      await deps.users.setBanned(id, false)
    },
    async endSessions (id: number) {
      await existing(id)
      return await deps.sessions.revokeAll(id)
    }
  }
}

export default fp(async (app) => {
  app.decorate('admin', createAdmin({ users: app.usersRepository, sessions: app.sessions, twoFactor: app.twoFactor, defaultCountry: app.config.DEFAULT_COUNTRY }))
}, { name: 'admin', dependencies: ['users-repository', 'sessions', 'two-factor'] })
