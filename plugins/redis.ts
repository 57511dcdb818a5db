import fp from 'fastify-plugin'
import fastifyRedis from '@fastify/redis'
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis'
import { redactUrl, waitForRedis } from '../src/runtime/wait-for.js'

// Fail fast while Redis is away: a command gets an error within 1.5 s, or at once while disconnected.
// No offline queue: it would hold commands for the whole outage and replay them on reconnect, long
// after their requests were answered 503 (boot waits for `ready`, so nothing needs queueing).
const CLIENT_OPTIONS: RedisOptions = {
  connectTimeout: 1500,
  commandTimeout: 1500,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1000)
}

const parseNodes = (list: string): ClusterNode[] => list.split(',').map((node) => {
  const [host = '', port = ''] = node.trim().split(':')
  return { host, port: Number(port) }
})

/**
 * The Redis client (@fastify/redis on ioredis): one server from REDIS_URL, or a Cluster from
 * REDIS_CLUSTER_NODES. We create the client so that boot waits for it a bounded time, with log lines.
 */
export default fp(async (app) => {
  const { REDIS_URL, REDIS_CLUSTER_NODES, DEPENDENCY_WAIT_SECONDS } = app.config
  const client = REDIS_CLUSTER_NODES !== undefined
    ? new Cluster(parseNodes(REDIS_CLUSTER_NODES), { redisOptions: CLIENT_OPTIONS, enableOfflineQueue: false, clusterRetryStrategy: CLIENT_OPTIONS.retryStrategy })
    : new Redis(REDIS_URL ?? '', CLIENT_OPTIONS)
  const label = REDIS_CLUSTER_NODES ?? redactUrl(REDIS_URL ?? '')
  await waitForRedis(client, label, DEPENDENCY_WAIT_SECONDS, app.log)
  client.on('error', (err) => app.log.error({ err }, 'Redis connection error'))
  await app.register(fastifyRedis, { client })
  // QUIT when Redis answers. While it is down, QUIT fails at once (no offline queue), so drop the socket
  // instead: a shutdown during an outage must still close cleanly and exit 0.
  app.addHook('onClose', async () => {
    try {
      await client.quit()
    } catch {
      client.disconnect()
    }
  })
}, { name: 'redis', dependencies: ['config'] })
