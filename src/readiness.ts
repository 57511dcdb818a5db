import type { MySQLPromisePool } from '@fastify/mysql'
import type { Cluster, Redis } from 'ioredis'

type Status = 'ok' | 'down'

/** Resolves to 'ok' if `probe` settles successfully within `ms`, else 'down'. Never rejects. */
export async function probe (check: () => Promise<unknown>, ms: number): Promise<Status> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Status>((resolve) => { timer = setTimeout(() => resolve('down'), ms) })
  const attempt = check().then(() => 'ok' as const, () => 'down' as const)
  try {
    return await Promise.race([attempt, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export async function checkDependencies (mysql: MySQLPromisePool, redis: Redis | Cluster, ms: number) {
  const [mysqlStatus, redisStatus] = await Promise.all([
    probe(() => mysql.query('SELECT 1'), ms),
    probe(() => redis.ping(), ms)
  ])
  return { mysql: mysqlStatus, redis: redisStatus }
}
