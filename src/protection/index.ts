import fp from 'fastify-plugin'
import { createPasswordPolicy, type PasswordPolicy } from './password-policy.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwordPolicy: PasswordPolicy
  }
}

/** Account protection (SPEC §13): the common and breached password checks. */
export default fp(async (app) => {
  app.decorate('passwordPolicy', createPasswordPolicy({
    url: app.config.PWNED_PASSWORDS_URL,
    failOpen: app.config.PWNED_PASSWORDS_FAIL_OPEN
  }, app.log))
}, { name: 'password-policy', dependencies: ['config'] })
