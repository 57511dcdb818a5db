import type { MySQLPromisePool } from '@fastify/mysql'
import type { Cluster, Redis } from 'ioredis'
import { withDeadline } from '../runtime/deadline.js'

type Status = 'ok' | 'down'

/** Resolves to 'ok' if `check` succeeds within `ms`, else 'down'. Never rejects. */
export const probe = (check: () => Promise<unknown>, ms: number): Promise<Status> =>
  withDeadline(check(), ms, () => new Error('no answer')).then(() => 'ok' as const, () => 'down' as const)

export async function checkDependencies (mysql: MySQLPromisePool, redis: Redis | Cluster, ms: number) {
  const [mysqlStatus, redisStatus] = await Promise.all([
    probe(() => mysql.query('SELECT 1'), ms),
    probe(() => redis.ping(), ms)
  ])
  return { mysql: mysqlStatus, redis: redisStatus }
}
