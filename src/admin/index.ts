import fp from 'fastify-plugin'
import { fail } from '../http/errors.js'
import { normalizePhoneNumber } from '../accounts/input.js'
import type { Accounts } from '../accounts/accounts.js'
import type { Events } from '../events/index.js'
import { BY_ADMIN, type EventContext } from '../events/types.js'
import type { SessionStore } from '../sessions/store.js'
import type { UsersRepository } from '../users/repository.js'
import type { TwoFactor } from '../two-factor/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    admin: ReturnType<typeof createAdmin>
  }
}

export interface AdminDeps {
  users: UsersRepository
  sessions: SessionStore
  twoFactor: Pick<TwoFactor, 'isEnabled'>
  events: Events
  accounts: Pick<Accounts, 'eraseAccount'>
  defaultCountry?: string | undefined
}

/**
 * Support's operations on any user (docs/API.md §14), behind ADMIN_KEYS. Each is an event of that user's, with
 * `data.by = 'admin'` and the admin's IP and user agent: user.banned, user.unbanned, session.revoked, user.deleted,
 * and admin.lookup for a lookup (it changes nothing, so no SPEC type fits).
 */
export function createAdmin (deps: AdminDeps) {
  const existing = async (id: number) => {
    const user = await deps.users.findById(id)
    if (user === null) throw fail('not_found', 'no such user')
    return user
  }
  return {
    async lookUp (phoneNumber: string, context: EventContext = {}) {
      const user = await deps.users.findByPhone(normalizePhoneNumber(phoneNumber, deps.defaultCountry))
      if (user === null) throw fail('not_found', 'no user has this phone number')
      await deps.events.record({ type: 'admin.lookup', userId: user.id, data: BY_ADMIN, context })
      return { user, sessions: await deps.sessions.list(user.id), twoFactorEnabled: await deps.twoFactor.isEnabled(user.id) }
    },
    /** Bans the user (with its event, in one transaction) and then ends every session at once; later logins answer 403. */
    async ban (id: number, context: EventContext = {}) {
      await existing(id)
      await deps.events.write(({ users }) => users.setBanned(id, true), () => [{ type: 'user.banned', userId: id, data: BY_ADMIN, context }])
      return await deps.sessions.revokeAll(id)
    },
    async unban (id: number, context: EventContext = {}) {
      await existing(id)
      await deps.events.write(({ users }) => users.setBanned(id, false), () => [{ type: 'user.unbanned', userId: id, data: BY_ADMIN, context }])
    },
    async endSessions (id: number, context: EventContext = {}) {
      await existing(id)
      const revoked = await deps.sessions.revokeAll(id)
      await deps.events.record({ type: 'session.revoked', userId: id, data: { ...BY_ADMIN, reason: 'admin', sessions_ended: revoked }, context })
      return revoked
    },
    /** The same full deletion as DELETE /user (SPEC §10); only the user.deleted event stays. */
    async deleteUser (id: number) {
      const user = await existing(id)
      await deps.accounts.eraseAccount(user, BY_ADMIN)
    }
  }
}

export default fp(async (app) => {
  app.decorate('admin', createAdmin({
    users: app.usersRepository,
    sessions: app.sessions,
    twoFactor: app.twoFactor,
    events: app.events,
    accounts: app.accounts,
    defaultCountry: app.config.DEFAULT_COUNTRY
  }))
}, { name: 'admin', dependencies: ['users-repository', 'sessions', 'two-factor', 'events', 'accounts'] })
