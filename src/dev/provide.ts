/*
 * One private dev server on its data folder, for npm start and npm run migrate: reused when one already
 * runs there (another npm start, or one left behind by a Sesame killed with SIGKILL), started otherwise,
 * on the port it had last time when that port is free.
 */
import { mkdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LocalServer } from './local-services.js'
import { answers, portFree } from './probes.js'
import { findRunning, isAlive, readState, writeState, type Kind, type RunningServer } from './running.js'

export interface DevService {
  url: string
  port: number
  /** Stops the server if this process owns it; a server another Sesame process runs is left alone. */
  stop: () => Promise<void>
}

export interface DevServerSpec {
  kind: Kind
  name: 'MariaDB' | 'Redis'
  dataDir: string
  /** The variable that points Sesame at a server of one's own instead. */
  urlVariable: 'MYSQL_URL' | 'REDIS_URL'
  urlOf: (port: number) => string
  /** Succeeds when the server on `port` is usable. */
  probe: (port: number) => Promise<void>
  start: (port: number | undefined) => Promise<LocalServer>
}

type Log = (message: string) => void

/** How long a server found running may take to answer (it may be starting, from a parallel npm start). */
const ANSWER_WAIT_MS = 5000

export async function provide (spec: DevServerSpec, log: Log = console.log): Promise<DevService> {
  await mkdir(spec.dataDir, { recursive: true })
  const running = findRunning(spec.kind, spec.dataDir)
  if (running !== null) return await reuse(spec, running, log)
  const saved = readState(spec.dataDir).port
  const port = saved !== undefined && await portFree(saved) ? saved : undefined
  if (saved !== undefined && port === undefined) {
    log(`${spec.name}'s port ${saved} (kept in ${spec.dataDir}) is taken by another program; using a new one`)
  }
  const server = await spec.start(port)
  writeState(spec.dataDir, { port: server.port, pid: server.process.pid, owner: process.pid })
  log(`started a private ${spec.name} at ${server.url} (data in ${spec.dataDir})`)
  return { url: server.url, port: server.port, stop: server.stop }
}

async function reuse (spec: DevServerSpec, running: RunningServer, log: Log): Promise<DevService> {
  const { pid, port } = running
  if (port === undefined || !await answersWithin(spec, port)) throw new Error(stuck(spec, running))
  const url = spec.urlOf(port)
  const state = readState(spec.dataDir)
  const owner = state.pid === pid ? state.owner : undefined
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    log(`using the private ${spec.name} at ${url} (pid ${pid}, data in ${spec.dataDir}) that Sesame process ${owner} runs; it keeps running when this process ends`)
    return { url, port, stop: async () => {} }
  }
  writeState(spec.dataDir, { port, pid, owner: process.pid })
  log(`found a private ${spec.name} (pid ${pid}) still running on ${spec.dataDir}, left by a Sesame that ended without stopping it ` +
    `(killed with SIGKILL?); reusing it at ${url}, and stopping it when this process ends`)
  return { url, port, stop: () => stopProcess(pid) }
}

async function answersWithin (spec: DevServerSpec, port: number) {
  const deadline = Date.now() + ANSWER_WAIT_MS
  do {
    if (await answers(() => spec.probe(port))) return true
    await sleep(250)
  } while (Date.now() < deadline)
  return false
}

/** What to say about a server that holds the data folder but cannot be used. */
function stuck (spec: DevServerSpec, { pid, port, command }: RunningServer) {
  return `${spec.name} is already running on the data in ${spec.dataDir} (pid ${pid}: ${command}), ` +
    `but it does not answer${port === undefined ? ' on a port Sesame knows' : ` on 127.0.0.1:${port}`}, ` +
    `and a second ${spec.name} cannot use the same data. ` +
    `Stop it (kill ${pid}, or kill -9 ${pid} if it does not exit) and start again, or set ${spec.urlVariable} to a server you run.`
}

/** SIGTERM to a server this process adopted (not its child), then SIGKILL after 15 s. */
async function stopProcess (pid: number) {
  const signal = (name: NodeJS.Signals) => { try { process.kill(pid, name) } catch {} }
  signal('SIGTERM')
  const deadline = Date.now() + 15_000
  while (isAlive(pid) && Date.now() < deadline) await sleep(100)
  if (isAlive(pid)) signal('SIGKILL')
}
