/*
 * A real Redis Cluster on loopback for the tests (and for anyone who wants one locally): N masters with
 * R replicas each, every node a redis-server on its own free port, joined with
 * `redis-cli --cluster create`. Cluster bus ports are chosen too (cluster-port), so a data port near
 * 65535 does not push the bus port past it.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { findBinary, freePort, startRedis, type LocalServer } from '../../src/dev/local-services.js'

const run = promisify(execFile)

export interface LocalClusterOptions {
  dataDir: string
  masters?: number
  replicasPerMaster?: number
  /** cluster-node-timeout: how long a master may be silent before its replica takes over. */
  nodeTimeoutMs?: number
}

export interface LocalCluster {
  /** `host:port,host:port,…`, the value of REDIS_CLUSTER_NODES. */
  nodes: string
  servers: LocalServer[]
  /** Runs redis-cli against one node and returns its output. */
  cli: (port: number, ...args: string[]) => Promise<string>
  /** Ports of the current masters, and the port of the master that serves `key`. */
  masterPorts: () => Promise<number[]>
  masterOf: (key: string) => Promise<number>
  /** Resolves when every live node reports cluster_state:ok and every master has a replica that has synced (if any). */
  waitUntilHealthy: (ms?: number) => Promise<void>
  stop: () => Promise<void>
}

function redisCli (): string {
  const path = findBinary('redis-cli')
  if (path === null) throw new Error('redis-cli not found (it comes with the redis-server / redis-tools package)')
  return path
}

interface NodeLine { id: string, port: number, flags: string[], masterId: string, connected: boolean, slots: Array<[number, number]> }

// One CLUSTER NODES line: id ip:port@cport flags master ping-sent pong-recv epoch link-state slot-range…
const parseNodes = (text: string): NodeLine[] => text.trim().split('\n').filter((line) => line !== '').map((line) => {
  const [id = '', address = '', flags = '', masterId = '', , , , state = '', ...ranges] = line.split(' ')
  const slots = ranges.filter((range) => /^\d+(-\d+)?$/.test(range)).map((range): [number, number] => {
    const [start = '', end = start] = range.split('-')
    return [Number(start), Number(end)]
  })
  return { id, port: Number(/:(\d+)@/.exec(address)?.[1] ?? 0), flags: flags.split(','), masterId, connected: state === 'connected', slots }
})

export async function startRedisCluster (options: LocalClusterOptions): Promise<LocalCluster> {
  const { dataDir, masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 1000 } = options
  const cliPath = redisCli()
  const cli = async (port: number, ...args: string[]) =>
    (await run(cliPath, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout
  const count = masters * (1 + replicasPerMaster)
  const servers: LocalServer[] = []
  const stop = async () => { await Promise.all(servers.map((server) => server.stop())) }
  try {
    for (let i = 0; i < count; i++) {
      servers.push(await startRedis({
        dataDir: join(dataDir, `node-${i}`),
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-port', String(await freePort()),
          '--cluster-node-timeout', String(nodeTimeoutMs),
          // A replica takes over however long it was cut off: in tests the old master never comes back.
          '--cluster-replica-validity-factor', '0',
          // Replicas sync at once rather than after the default 5 s wait for more replicas.
          '--repl-diskless-sync-delay', '0'
        ]
      }))
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`)
    await run(cliPath, ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'], { timeout: 60_000 })
  } catch (err) {
    await stop()
    throw err
  }

  const live = () => servers.filter((server) => server.process.exitCode === null && server.process.signalCode === null)
  const nodesOf = async () => {
    for (const server of live()) {
      try {
        return parseNodes(await cli(server.port, 'CLUSTER', 'NODES'))
      } catch { /* try the next node */ }
    }
    throw new Error('no cluster node answers')
  }
  const masterPorts = async () => (await nodesOf())
    .filter((node) => node.flags.includes('master') && !node.flags.includes('fail')).map((node) => node.port)

  const cluster: LocalCluster = {
    nodes: servers.map((server) => `127.0.0.1:${server.port}`).join(','),
    servers,
    cli,
    masterPorts,
    async masterOf (key) {
      const slot = Number((await cli(live()[0]?.port ?? 0, 'CLUSTER', 'KEYSLOT', key)).trim())
      const owner = (await nodesOf()).find((node) => node.flags.includes('master') && !node.flags.includes('fail') &&
        node.slots.some(([start, end]) => start <= slot && slot <= end))
      if (owner === undefined) throw new Error(`no master serves slot ${slot}`)
      return owner.port
    },
    async waitUntilHealthy (ms = 30_000) {
      const deadline = Date.now() + ms
      let last = ''
      while (Date.now() < deadline) {
        try {
          const infos = await Promise.all(live().map(async (server) =>
            await cli(server.port, 'CLUSTER', 'INFO') + await cli(server.port, 'INFO', 'replication')))
          const nodes = await nodesOf()
          const masterIds = nodes.filter((node) => node.flags.includes('master') && !node.flags.includes('fail')).map((node) => node.id)
          const replicated = replicasPerMaster === 0 || masterIds.every((id) =>
            nodes.some((node) => node.masterId === id && !node.flags.includes('fail') && node.connected))
          const synced = infos.every((info) => !info.includes('role:slave') || info.includes('master_link_status:up'))
          if (infos.every((info) => info.includes('cluster_state:ok')) && masterIds.length === masters && replicated && synced) return
          last = infos.find((info) => !info.includes('cluster_state:ok')) ?? 'replicas not attached or not synced yet'
        } catch (err) {
          last = String(err)
        }
        await sleep(100)
      }
      throw new Error(`the Redis Cluster did not become healthy in ${ms} ms: ${last.slice(0, 300)}`)
    },
    stop
  }
  try {
    await cluster.waitUntilHealthy()
  } catch (err) {
    await stop()
    throw err
  }
  return cluster
}
