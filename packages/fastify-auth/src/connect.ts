import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis'

export interface ConnectionSettings {
  /** `redis://…` or `rediss://…`: one Redis server. */
  redisUrl?: string
  /** `host:port,host:port` (REDIS_CLUSTER_NODES) or a node list: a Redis Cluster. */
  clusterNodes?: string | ClusterNode[]
  /** Extra ioredis options for every connection (password, TLS, timeouts). */
  redisOptions?: RedisOptions
}

/**
 * Fail fast while Redis is away: a command gets an error within 1.5 s, or at once while disconnected. No
 * offline queue: it would hold commands for the whole outage and replay them long after their requests
 * were answered 503. Sesame's own client uses these too (plugins/redis.ts).
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  connectTimeout: 1500,
  commandTimeout: 1500,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1000)
}

const nodesOf = (list: string): ClusterNode[] => list.split(',').map((node) => {
  const [host = '', port = ''] = node.trim().split(':')
  return { host, port: Number(port) }
})

/** One Redis server from `redisUrl`, or a Cluster from `clusterNodes`, with the fail-fast options; not yet ready. */
export function createClient (settings: ConnectionSettings): Redis | Cluster {
  const options = { ...FAIL_FAST_OPTIONS, ...settings.redisOptions }
  if (settings.clusterNodes !== undefined) {
    const nodes = typeof settings.clusterNodes === 'string' ? nodesOf(settings.clusterNodes) : settings.clusterNodes
    return new Cluster(nodes, { redisOptions: options, enableOfflineQueue: false, clusterRetryStrategy: options.retryStrategy })
  }
  if (settings.redisUrl !== undefined) return new Redis(settings.redisUrl, options)
  throw new Error('@sesame/fastify-auth needs one of: redis (a client), redisUrl, clusterNodes or resolver')
}

/** A client from the plugin's settings, once it is ready (at most `connectTimeout` × a few retries). */
export async function connect (settings: ConnectionSettings): Promise<Redis | Cluster> {
  const client = createClient(settings)
  client.on('error', () => {}) // reconnects by itself; commands fail fast meanwhile (503)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { client.disconnect(); reject(new Error('@sesame/fastify-auth: Redis did not become ready in 10 s')) }, 10_000)
    client.once('ready', () => { clearTimeout(timer); resolve() })
  })
  return client
}
