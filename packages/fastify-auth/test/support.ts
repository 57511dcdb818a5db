import { Cluster, Redis } from 'ioredis'
import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createSessionStore } from '../../../src/sessions/store.js'
import { testCluster, testServices, type Teardown } from '../../../test/support/helper.js'

export type Target = 'redis' | 'cluster'
export const TARGETS: Target[] = ['redis', 'cluster']

/** A client on this file's Redis or Redis Cluster, closed at the end of `t`. */
export async function client (t: Teardown, target: Target, url?: string): Promise<Redis | Cluster> {
  const redis = target === 'cluster'
    ? new Cluster((await testCluster()).nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })))
    : new Redis(url ?? (await testServices()).redisUrl)
  redis.on('error', () => {})
  t.teardown(() => redis.disconnect())
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
  return redis
}

/** An instance of Sesame's session store (what each Sesame process has), with a cache of `cacheSize`. */
export async function instance (t: Teardown, target: Target, cacheSize = 1000, url?: string) {
  const store = createSessionStore(await client(t, target, url), { ttlSeconds: 3600, maxSessionsPerUser: 10, sliding: true, cacheSize })
  t.teardown(store.close)
  return store
}

export const newUser = () => ({ id: randomInt(1, 2 ** 40), phoneNumber: '+8613800138000', nickname: null, registerTime: '2024-01-01T00:00:00Z' })

/** Waits until every tracked node of the store is trusted again, or fails after `ms`. */
export async function untilTrusted (store: Awaited<ReturnType<typeof instance>>, userId: number, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!store.resolver.trusted(userId)) {
    if (Date.now() > deadline) throw new Error('tracking was not re-established')
    await sleep(5)
  }
}

/** Commands of connections being opened elsewhere (other masters' tracking set-up, cluster slot refreshes, replicas' REPLCONF ACK): not a resolve's. */
const CONNECTION_SETUP = ['info', 'cluster', 'ping', 'client', 'subscribe', 'hello', 'quit', 'select', 'readonly', 'replconf']

/** Sum of `INFO commandstats` calls over the given servers (every master of a Cluster). */
export async function commandCount (redis: Redis | Cluster): Promise<number> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis]
  let total = 0
  for (const node of nodes) {
    for (const match of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!CONNECTION_SETUP.includes(match[1] ?? '')) total += Number(match[2])
    }
  }
  return total
}
