/*
 * Sesame instances: the compiled server (dist/src/server.js) as in production, each in its own process
 * on its own port. An instance keeps its port across restarts; the last 16 KiB of its output are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PROJECT_ROOT } from '../src/config/project.js'

export const SERVER = join(PROJECT_ROOT, 'dist', 'src', 'server.js')
const TAIL = 16_384

export interface MemorySample { at: number, rssMb: number }

export class Instance {
  readonly url: string
  up = false
  child: ChildProcess | undefined
  private output = ''
  private stopping = false
  /** Resident set size over time, per process (a restart starts a new list). */
  readonly memory = new Map<number, MemorySample[]>()

  constructor (readonly index: number, readonly port: number, private readonly env: Record<string, string>,
    private readonly onCrash: (instance: Instance, code: number | null, signal: string | null) => void) {
    this.url = `http://127.0.0.1:${port}`
  }

  tail () {
    return this.output.slice(-2000)
  }

  async start () {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`)
    const base = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
      !/^(MYSQL_URL|REDIS_URL|REDIS_CLUSTER_NODES|PORT|WORKERS|METRICS_PORT|NODE_UNIQUE_ID)$/.test(key)))
    // As npm start does: argon2's 19 MiB blocks go back to the OS when freed (bench/README.md, memory).
    const env = { MALLOC_MMAP_THRESHOLD_: '4194304', ...base, ...this.env, PORT: String(this.port) }
    const child = spawn(process.execPath, [SERVER], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    this.stopping = false
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-TAIL) }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.once('exit', (code, signal) => {
      this.up = false
      if (!this.stopping) this.onCrash(this, code, signal)
    })
    await this.waitReady(child)
    this.up = true
  }

  private async waitReady (child: ChildProcess) {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      try {
        if ((await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) })).ok) return
      } catch {} // not listening yet
      await sleep(100)
    }
    throw new Error(`instance ${this.index} did not become ready:\n${this.tail()}`)
  }

  /** SIGTERM (or `signal`), and the exit code once it is gone. */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child
    this.up = false
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null
    this.stopping = true
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }

  async sampleMemory (at: number) {
    const pid = this.child?.pid
    if (!this.up || pid === undefined) return
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]
      if (kb === undefined) return
      const samples = this.memory.get(pid) ?? []
      this.memory.set(pid, samples)
      samples.push({ at, rssMb: Math.round(Number(kb) / 102.4) / 10 })
    } catch {} // the process just went away
  }
}
