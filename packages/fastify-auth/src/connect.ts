import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis'

export interface ConnectionSettings {
  /** `redis://…` or `rediss://…`: one Redis server. */
  redisUrl?: string
  /** `host:port,host:port` (REDIS_CLUSTER_NODES) or a node list: a Redis Cluster. */
  clusterNodes?: string | ClusterNode[]
  /** Extra ioredis options for every connection (password, TLS, timeouts). */
  redisOptions?: RedisOptions
}

// As Sesame's own client: a command fails fast while Redis is away instead of queueing for the whole outage.
const DEFAULTS: RedisOptions = {
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

/** A client from the plugin's settings, once it is ready (at most `connectTimeout` × a few retries). */
export async function connect (settings: ConnectionSettings): Promise<Redis | Cluster> {
  const options = { ...DEFAULTS, ...settings.redisOptions }
  let client: Redis | Cluster
  if (settings.clusterNodes !== undefined) {
    const nodes = typeof settings.clusterNodes === 'string' ? nodesOf(settings.clusterNodes) : settings.clusterNodes
    client = new Cluster(nodes, { redisOptions: options, enableOfflineQueue: false, clusterRetryStrategy: options.retryStrategy })
  } else if (settings.redisUrl !== undefined) {
    client = new Redis(settings.redisUrl, options)
  } else {
    throw new Error('@sesame/fastify-auth needs one of: redis (a client), redisUrl, clusterNodes or resolver')
  }
  client.on('error', () => {}) // reconnects by itself; commands fail fast meanwhile (503)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { client.disconnect(); reject(new Error('@sesame/fastify-auth: Redis did not become ready in 10 s')) }, 10_000)
    client.once('ready', () => { clearTimeout(timer); resolve() })
  })
  return client
}
