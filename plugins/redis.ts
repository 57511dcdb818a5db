import fp from 'fastify-plugin'
import fastifyRedis from '@fastify/redis'
import { Cluster, type ClusterNode } from 'ioredis'

const COMMON = {
  connectTimeout: 2000,
  commandTimeout: 1500,
  maxRetriesPerRequest: 1
}

const parseNodes = (list: string): ClusterNode[] => list.split(',').map((node) => {
  const [host = '', port = ''] = node.trim().split(':')
  return { host, port: Number(port) }
})

/** The Redis client (@fastify/redis on ioredis): one server from REDIS_URL, or a Cluster from REDIS_CLUSTER_NODES. */
export default fp(async (app) => {
  const { REDIS_URL, REDIS_CLUSTER_NODES } = app.config
  if (REDIS_CLUSTER_NODES !== undefined) {
    const client = new Cluster(parseNodes(REDIS_CLUSTER_NODES), { redisOptions: COMMON })
    await app.register(fastifyRedis, { client, closeClient: true })
  } else {
    await app.register(fastifyRedis, { url: REDIS_URL, ...COMMON })
  }
}, { name: 'redis', dependencies: ['config'] })
