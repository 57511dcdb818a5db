import fp from 'fastify-plugin'
import { createUsersRepository, type UsersRepository } from './repository.js'

declare module 'fastify' {
  interface FastifyInstance {
    usersRepository: UsersRepository
  }
}

export default fp(async (app) => {
  app.decorate('usersRepository', createUsersRepository(app.mysql))
}, { name: 'users-repository', dependencies: ['mysql'] })
