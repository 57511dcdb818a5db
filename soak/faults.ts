/*
 * Faults on a schedule derived from --seed: the same seed gives the same kinds, times, lengths and targets.
 * One fault at a time; the first after 10 s, the last over 20 s before the end, so that the final checks
 * run on a quiet system.
 */
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Journal } from './journal.js'
import { between, pick, seeded } from './random.js'
import type { Stack } from './stack.js'

export const SINGLE_FAULTS = ['redis-kill', 'redis-pause', 'mariadb-pause', 'instance-restart'] as const
export const CLUSTER_FAULTS = ['master-kill', 'redis-pause', 'mariadb-pause', 'instance-restart'] as const
export type FaultKind = (typeof SINGLE_FAULTS)[number] | (typeof CLUSTER_FAULTS)[number]

export interface PlannedFault { at: number, kind: FaultKind, holdMs: number, pick: number }
export interface FaultRecord { kind: FaultKind, at: number, ms: number, target: string }

const FIRST_MS = 10_000
const QUIET_TAIL_MS = 20_000

export function planFaults (seed: number, durationMs: number, cluster: boolean): PlannedFault[] {
  const rng = seeded(seed)
  const kinds = cluster ? CLUSTER_FAULTS : SINGLE_FAULTS
  const plan: PlannedFault[] = []
  let at = FIRST_MS
  for (;;) {
    const kind = pick(rng, kinds)
    const holdMs = Math.round(between(rng, 1000, 4000))
    if (at + holdMs > durationMs - QUIET_TAIL_MS) break
    plan.push({ at, kind, holdMs, pick: rng() })
    at += holdMs + Math.round(between(rng, 8000, 20_000))
  }
  return plan
}

async function signal (child: ChildProcess, name: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = name === 'SIGKILL' ? new Promise((resolve) => child.once('exit', resolve)) : undefined
  child.kill(name)
  await exited
}

async function pause (journal: Journal, kind: string, child: ChildProcess, holdMs: number, scope: 'redis' | 'mysql', lossy = false) {
  const window = journal.open(kind, scope, lossy ? 10_000 : 5000, { lossy })
  await signal(child, 'SIGSTOP')
  await sleep(holdMs)
  await signal(child, 'SIGCONT')
  return window
}

async function inject (fault: PlannedFault, stack: Stack, journal: Journal): Promise<string> {
  const { kind, holdMs } = fault
  const cluster = stack.cluster
  if (kind === 'mariadb-pause') {
    journal.close(await pause(journal, kind, stack.mariadb.process, holdMs, 'mysql'))
    return `mariadb :${stack.mariadb.port}`
  }
  if (kind === 'instance-restart') {
    const instance = stack.instances[Math.floor(fault.pick * stack.instances.length)]
    if (instance === undefined) throw new Error('no instance to restart')
    const window = journal.open(kind, 'instance', 3000, { instance: instance.index })
    const code = await instance.stop('SIGTERM')
    if (code !== 0) journal.violate('unclean_shutdown', { instance: instance.index, code, output: instance.tail() })
    await sleep(holdMs / 2)
    await instance.start()
    journal.close(window)
    return `instance ${instance.index}`
  }
  if (cluster === undefined) {
    const redis = stack.redis
    if (redis === undefined) throw new Error('no Redis')
    if (kind === 'redis-pause') {
      journal.close(await pause(journal, kind, redis.process, holdMs, 'redis'))
    } else {
      const window = journal.open(kind, 'redis', 5000)
      await signal(redis.process, 'SIGKILL')
      await sleep(holdMs)
      await stack.restartRedis()
      journal.close(window)
    }
    return `redis :${redis.port}`
  }
  const masters = await cluster.masterPorts()
  const port = masters[Math.floor(fault.pick * masters.length)] ?? 0
  const server = cluster.servers.find((each) => each.port === port)
  if (server === undefined) throw new Error(`no master on port ${port}`)
  if (kind === 'redis-pause') {
    const window = await pause(journal, kind, server.process, holdMs, 'redis', true)
    await cluster.waitUntilHealthy(60_000)
    journal.close(window)
    return `master :${port}`
  }
  const window = journal.open(kind, 'redis', 10_000, { lossy: true })
  await signal(server.process, 'SIGKILL')
  // Never restart it before its replica took over: it would come back as an empty master.
  const deadline = Date.now() + 30_000
  while ((await cluster.masterPorts()).includes(port) && Date.now() < deadline) await sleep(200)
  await sleep(holdMs)
  await stack.restartClusterNode(port)
  await cluster.waitUntilHealthy(60_000)
  journal.close(window)
  return `master :${port}`
}

/** Runs `plan` from `t0` until it is done or `stopped()` says so. */
export async function runFaults (plan: PlannedFault[], stack: Stack, journal: Journal, t0: number, stopped: () => boolean) {
  const records: FaultRecord[] = []
  for (const fault of plan) {
    while (Date.now() < t0 + fault.at && !stopped()) await sleep(Math.min(250, t0 + fault.at - Date.now()))
    if (stopped()) break
    const start = Date.now()
    console.error(`fault at ${journal.t(start)} s: ${fault.kind} for ${fault.holdMs} ms`)
    const target = await inject(fault, stack, journal)
    records.push({ kind: fault.kind, at: journal.t(start), ms: Date.now() - start, target })
  }
  return records
}
