import fp from 'fastify-plugin'
import { createPasswordHasher, type HashParameters, type PasswordHasher } from './hasher.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwords: PasswordHasher
  }
}

export default fp<{ hashParameters?: HashParameters }>(async (app, { hashParameters }) => {
  app.decorate('passwords', createPasswordHasher(hashParameters))
}, { name: 'passwords' })
