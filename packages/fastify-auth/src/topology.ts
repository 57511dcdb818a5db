import type { Cluster, Redis } from 'ioredis'
import { TrackedNode, type NodeEvents } from './tracked-node.js'
import { keySlot } from './slot.js'

/** Which tracked node serves a key: the one Redis, or the master that owns the key's Cluster slot. */
export interface Topology {
  nodeFor: (key: string) => TrackedNode | undefined
  /** Something looked wrong (a MOVED, a dead node): reread the slot map soon. */
  refresh: () => void
  close: () => Promise<void>
}

export function standaloneTopology (redis: Redis, events: NodeEvents): Topology {
  const node = new TrackedNode(redis.options, events)
  return { nodeFor: () => node, refresh: () => {}, close: async () => await node.close() }
}

type SlotRange = [number, number, [string, number, ...unknown[]], ...unknown[]]

const SLOTS = 16384
const REFRESH_EVERY_MS = 1000

/** One TrackedNode per master of a Redis Cluster, each with its invalidation connection on that master. */
export function clusterTopology (cluster: Cluster, events: NodeEvents): Topology {
  const nodes = new Map<string, TrackedNode>()
  let owners: Array<TrackedNode | undefined> = new Array<TrackedNode | undefined>(SLOTS)
  let loading: Promise<void> | null = null
  let loadedAt = 0
  let closed = false

  async function load () {
    const ranges = await cluster.call('CLUSTER', 'SLOTS') as SlotRange[]
    if (closed) return
    const next = new Array<TrackedNode | undefined>(SLOTS)
    const seen = new Set<string>()
    for (const [start, end, [host, port]] of ranges) {
      const id = `${host}:${port}`
      seen.add(id)
      let node = nodes.get(id)
      if (node === undefined) nodes.set(id, node = new TrackedNode({ ...cluster.options.redisOptions, host, port }, events))
      next.fill(node, start, end + 1)
    }
    owners = next
    for (const [id, node] of nodes) {
      if (seen.has(id)) continue
      nodes.delete(id)
      if (node.trusted) events.lost()
      node.close().catch((err: Error) => events.error(err))
    }
  }

  const refresh = () => {
    if (closed || loading !== null || Date.now() - loadedAt < REFRESH_EVERY_MS) return
    loadedAt = Date.now()
    loading = load().catch((err: Error) => events.error(err)).finally(() => { loading = null })
  }
  cluster.on('+node', refresh)
  cluster.on('-node', refresh)
  if (cluster.status === 'ready') refresh()
  else cluster.once('ready', refresh)

  return {
    nodeFor: (key) => owners[keySlot(key)],
    refresh,
    async close () {
      closed = true
      cluster.off('+node', refresh)
      cluster.off('-node', refresh)
      await loading
      await Promise.all([...nodes.values()].map(async (node) => await node.close()))
    }
  }
}
