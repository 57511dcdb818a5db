/*
 * Starts notes-api: REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (host:port,host:port) — the same Redis
 * settings as the Sesame it trusts — and PORT (default 3001), HOST (default 127.0.0.1).
 */
import { buildNotesApp } from './app.js'

const clusterNodes = process.env.REDIS_CLUSTER_NODES
const redisUrl = process.env.REDIS_URL
if (clusterNodes === undefined && redisUrl === undefined) {
  console.error('notes-api: set REDIS_URL or REDIS_CLUSTER_NODES to the Redis that Sesame uses')
  process.exit(1)
}

const app = await buildNotesApp({
  auth: clusterNodes !== undefined ? { clusterNodes } : { redisUrl },
  fastify: { logger: { level: process.env.LOG_LEVEL ?? 'info' } }
})
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3001) })
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { app.close().finally(() => process.exit(0)) })
