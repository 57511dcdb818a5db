import fp from 'fastify-plugin'
import { createAccounts, type Accounts } from './accounts.js'
import { createUserEraser } from '../sessions/erase.js'
import { createPhoneCache } from '../sessions/phone-change.js'
import { createNumberKeys } from './number-keys.js'

declare module 'fastify' {
  interface FastifyInstance {
    accounts: Accounts
  }
}

export default fp(async (app) => {
  app.decorate('accounts', createAccounts({
    users: app.usersRepository,
    passwords: app.passwords,
    passwordPolicy: app.passwordPolicy,
    sessions: app.sessions,
    loginFailures: app.loginFailures,
    smsCodes: app.smsCodes,
    smsGuard: app.smsGuard,
    devices: app.deviceTokens,
    twoFactor: app.twoFactor,
    log: app.log,
    events: app.events,
    maxLoginFailures: app.config.LOGIN_MAX_FAILURES,
    defaultCountry: app.config.DEFAULT_COUNTRY,
    smsLoginRegisters: app.config.SMS_LOGIN_REGISTERS,
    eraseUser: createUserEraser(app.redis, app.sessions.forgetUser),
    phoneCache: createPhoneCache(app.redis),
    numberKeys: createNumberKeys(app.redis),
    smsNotices: app.smsNotices
  }))
}, { name: 'accounts', dependencies: ['users-repository', 'passwords', 'password-policy', 'sessions', 'rate-limits', 'sms-codes', 'two-factor', 'events'] })
