import fp from 'fastify-plugin'
import type { SessionUser } from '../sessions/store.js'
import type { LoginContext } from '../sessions/client.js'
import type { StoredUser } from '../users/user.js'
import { createDeviceTokens, type DeviceTokens } from '../protection/devices.js'
import { createUserEraser } from '../sessions/erase.js'
import { createChallenges } from './challenges.js'
import { completeChallenge, startSessionOrChallenge, type LoginDeps } from './login.js'
import { disable, enable, setUp, type ManageDeps } from './manage.js'
import { createTwoFactorRepository } from './repository.js'
import type { EventContext } from '../events/types.js'

function createTwoFactor (deps: LoginDeps & ManageDeps) {
  return {
    startSessionOrChallenge: (user: StoredUser, context: LoginContext, device?: string) => startSessionOrChallenge(deps, user, context, device),
    completeChallenge: (input: Parameters<typeof completeChallenge>[1]) => completeChallenge(deps, input),
    setUp: (user: SessionUser) => setUp(deps, user),
    enable: (user: SessionUser, code: string, context?: EventContext) => enable(deps, user, code, context),
    disable: (user: SessionUser, input: Parameters<typeof disable>[2], context?: EventContext) => disable(deps, user, input, context),
    isEnabled: async (userId: number) => (await deps.twoFactor.find(userId))?.enabled === true
  }
}

export type TwoFactor = ReturnType<typeof createTwoFactor>

declare module 'fastify' {
  interface FastifyInstance {
    twoFactor: TwoFactor
    deviceTokens: DeviceTokens
  }
}

/** TOTP two-factor login and known devices (SPEC §13, §4). */
export default fp(async (app) => {
  const devices = createDeviceTokens(app.redis)
  app.decorate('deviceTokens', devices)
  app.decorate('twoFactor', createTwoFactor({
    twoFactor: createTwoFactorRepository(app.mysql),
    challenges: createChallenges(app.redis),
    sessions: app.sessions,
    devices,
    loginFailures: app.loginFailures,
    users: app.usersRepository,
    eraseUser: createUserEraser(app.redis, app.sessions.forgetUser),
    passwords: app.passwords,
    events: app.events,
    maxLoginFailures: app.config.LOGIN_MAX_FAILURES
  }))
}, { name: 'two-factor', dependencies: ['mysql', 'redis', 'sessions', 'rate-limits', 'users-repository', 'passwords', 'events'] })
