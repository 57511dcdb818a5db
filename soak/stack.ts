/*
 * The system under test: private MariaDB, Redis (one server, or a Redis Cluster of 3 masters with a replica
 * each) and the fake SMS gateway, all on loopback in a temp folder, and N Sesame instances sharing them.
 * The single Redis keeps an append-only file fsynced on every write, so a SIGKILL loses nothing it
 * acknowledged: a restart then tests Sesame, not Redis' durability settings.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { ensureServerBinaries, freePort, startMariaDb, startRedis, type LocalServer } from '../src/dev/local-services.js'
import { startRedisCluster, type LocalCluster } from '../test/support/local-cluster.js'
import { startGateway, type Gateway } from './gateway.js'
import { Instance } from './instances.js'
import type { Target } from './http.js'

export interface Stack {
  mysqlUrl: string
  mariadb: LocalServer
  redis: LocalServer | undefined
  cluster: LocalCluster | undefined
  gateway: Gateway
  instances: Instance[]
  /** The instances that are up, as request targets. */
  targets: () => Target[]
  restartRedis: () => Promise<void>
  /** Starts a killed cluster node again on its port, data folder and settings; it rejoins as a replica. */
  restartClusterNode: (port: number) => Promise<void>
  /** A client for reading Redis: the server, or the cluster. */
  redisClient: () => Redis | Cluster
  stop: () => Promise<void>
}

export interface StackOptions { instances: number, cluster: boolean, onCrash: (instance: Instance, code: number | null, signal: string | null) => void }

const REDIS_DURABLE = ['--appendfsync', 'always']

/** The data folder and extra arguments a node was started with (see startRedis), to start it the same way. */
function startedWith (server: LocalServer) {
  const args = server.process.spawnargs
  const dir = args[args.indexOf('--dir') + 1] ?? ''
  return { dataDir: dir, extraArgs: args.slice(args.indexOf('--daemonize') + 2) }
}

export async function startStack (options: StackOptions): Promise<Stack> {
  ensureServerBinaries()
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-soak-'))
  const redisDir = join(dataDir, 'redis')
  const [mariadb, redis, cluster] = await Promise.all([
    startMariaDb({ dataDir: join(dataDir, 'mariadb') }),
    options.cluster ? undefined : startRedis({ dataDir: redisDir, persistent: true, extraArgs: REDIS_DURABLE }),
    options.cluster ? startRedisCluster({ dataDir: join(dataDir, 'redis-cluster') }) : undefined
  ])
  const gateway = await startGateway()
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MYSQL_URL: mariadb.url,
    ...(cluster !== undefined ? { REDIS_CLUSTER_NODES: cluster.nodes } : { REDIS_URL: redis?.url ?? '' }),
    IP_RATE_LIMIT_PER_MINUTE: '1000000000', // every virtual phone comes from 127.0.0.1
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: gateway.url
  }
  const instances: Instance[] = []
  for (let i = 0; i < options.instances; i++) instances.push(new Instance(i, await freePort(), env, options.onCrash))
  let reader: Redis | Cluster | undefined
  const stack: Stack = {
    mysqlUrl: mariadb.url,
    mariadb,
    redis,
    cluster,
    gateway,
    instances,
    targets: () => instances.filter((instance) => instance.up),
    async restartRedis () {
      if (stack.redis === undefined) throw new Error('no single Redis in cluster mode')
      stack.redis = await startRedis({ dataDir: redisDir, port: stack.redis.port, persistent: true, extraArgs: REDIS_DURABLE })
    },
    async restartClusterNode (port) {
      const servers = cluster?.servers ?? []
      const index = servers.findIndex((server) => server.port === port)
      const old = servers[index]
      if (old === undefined) throw new Error(`no cluster node on port ${port}`)
      servers[index] = await startRedis({ ...startedWith(old), port })
    },
    redisClient () {
      reader ??= cluster !== undefined
        ? new Cluster(cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })))
        : new Redis(stack.redis?.url ?? '')
      reader.on('error', () => {})
      return reader
    },
    async stop () {
      reader?.disconnect()
      await Promise.all(instances.map((instance) => instance.stop()))
      for (const server of [stack.mariadb, stack.redis, ...(cluster?.servers ?? [])]) server?.process.kill('SIGCONT')
      await Promise.all([stack.mariadb.stop(), stack.redis?.stop(), cluster?.stop(), gateway.close()])
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  try {
    for (const instance of instances) await instance.start() // one at a time: the first applies the migrations
  } catch (err) {
    await stack.stop()
    throw err
  }
  return stack
}
