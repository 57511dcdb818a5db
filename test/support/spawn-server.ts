/* Runs the real entry point (dist/src/server.js, built by `npm run build`) as a child process, as in server.test.ts. */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { PROJECT_ROOT } from '../../src/config/project.js'

export const SERVER = join(PROJECT_ROOT, 'dist', 'src', 'server.js')

export interface Spawned {
  child: ChildProcessByStdio<null, Readable, Readable>
  output: () => string
  exit: Promise<number | null>
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>
}

export function spawnServer (env: Record<string, string | undefined>): Spawned {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`)
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
    !/^(MYSQL_URL|REDIS_URL|REDIS_CLUSTER_NODES|PORT|WORKERS|METRICS_PORT|SESAME_TEST_REDIS|NODE_UNIQUE_ID)$/.test(key)))
  const child = spawn(process.execPath, [SERVER], { env: { ...base, PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return await exit
  }
  return { child, output: () => output, exit, stop }
}

/** Waits for the first line matching `pattern` and returns its first group. */
export async function waitForOutput (server: Spawned, pattern: RegExp, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output())
    if (match !== null) return match[1] ?? match[0]
    if (server.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no ${pattern} from the server:\n${server.output().slice(-3000)}`)
}

export const listeningUrl = (server: Spawned) => waitForOutput(server, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/)

/** One JSON request; `status` and the parsed body. */
export async function call (base: string, method: string, path: string, options: { body?: unknown, token?: string } = {}) {
  const headers: Record<string, string> = {}
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.token !== undefined) headers.token = options.token
  const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}
