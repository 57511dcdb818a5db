import fp from 'fastify-plugin'
import fastifyMysql, { type MySQLPromisePool } from '@fastify/mysql'
import { migrate } from '../src/mysql/migrate.js'
import { describeUntouched } from '../src/mysql/phone-normalisation.js'
import { waitForMysql } from '../src/runtime/wait-for.js'

declare module 'fastify' {
  interface FastifyInstance {
    // @fastify/mysql has four client shapes and types none of them on the instance; we use the promise pool.
    mysql: MySQLPromisePool
  }
}

/** The MySQL pool (@fastify/mysql, promise API), with the schema migrated before the first request. */
export default fp(async (app) => {
  const uri = app.config.MYSQL_URL ?? ''
  await waitForMysql(uri, app.config.DEPENDENCY_WAIT_SECONDS, app.log)
  await app.register(fastifyMysql, {
    promise: true,
    uri,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    connectionLimit: 10,
    connectTimeout: 1500,
    enableKeepAlive: true
  })
  const applied = await migrate(app.mysql, undefined, {
    defaultCountry: app.config.DEFAULT_COUNTRY,
    onUntouched: (rows) => { for (const row of rows) app.log.warn({ userId: row.id, reason: row.reason }, `phone number left untouched: ${describeUntouched(row)}`) }
  })
  if (applied.length > 0) app.log.info({ applied }, 'applied migrations')
}, { name: 'mysql', dependencies: ['config'] })
