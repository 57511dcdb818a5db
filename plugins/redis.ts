import fp from 'fastify-plugin'
import fastifyRedis from '@fastify/redis'
import { createClient } from '../packages/fastify-auth/src/connect.js'
import { redactUrl, waitForRedis } from '../src/runtime/wait-for.js'

/**
 * The Redis client (@fastify/redis on ioredis): one server from REDIS_URL, or a Cluster from
 * REDIS_CLUSTER_NODES. We create the client so that boot waits for it a bounded time, with log lines.
 */
export default fp(async (app) => {
  const { REDIS_URL, REDIS_CLUSTER_NODES, DEPENDENCY_WAIT_SECONDS } = app.config
  // The package's fail-fast client, so Sesame and every service using the plugin behave alike in an outage.
  const client = createClient(REDIS_CLUSTER_NODES !== undefined ? { clusterNodes: REDIS_CLUSTER_NODES } : { redisUrl: REDIS_URL ?? '' })
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
