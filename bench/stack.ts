/*
 * The system under test, as in production: private MariaDB and Redis in a temp folder, and the
 * compiled server (dist/src/server.js) in its own process with NODE_ENV=production, LOG_LEVEL=warn and
 * metrics on. Beside it, each in its own process too, the two peers it is measured against
 * (bench/peers/): bare Fastify and the straightforward two-round-trip port, the latter on the same Redis.
 */
import { spawn, execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ensureServerBinaries, freePort, startMariaDb, startRedis } from '../src/dev/local-services.js'
import { PROJECT_ROOT } from '../src/config/project.js'

export type PeerName = 'bare' | 'naive' | 'notes'

/** A peer server: where it listens, and its process's readings, as for Sesame. */
export interface Peer {
  url: string
  rssMb: () => Promise<number>
  cpuSeconds: () => Promise<number>
}

export interface Stack {
  url: string
  /** A second Sesame on the same MariaDB and Redis, when asked for (the revocation scenario). */
  secondUrl: string | undefined
  /** Bare Fastify (GET /hello), the naive port (GET /user) and the example service (GET /notes), each in its own process. */
  peers: Record<PeerName, Peer>
  mysqlUrl: string
  redisUrl: string
  /** Resident set size of the server process (and its workers), in MB. */
  serverRssMb: () => Promise<number>
  /** CPU time the server process (and its workers) has used so far (user + system), in seconds; NaN without /proc. */
  serverCpuSeconds: () => Promise<number>
  /** V8 heap in use, in MB, from the server's Prometheus metrics (summed over workers by the primary). */
  serverHeapMb: () => Promise<number>
  /** Runs a full garbage collection in the server (and its workers), so a memory reading shows what is live. */
  collectGarbage: () => Promise<void>
  /** Waits until the server is idle: requests a finished run left queued (logins) are done. */
  settle: () => Promise<void>
  stop: () => Promise<void>
}

async function rssMb (pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
    if (kb !== undefined) return Number(kb) / 1024
  } catch {} // no /proc (macOS): ask ps
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024
}

/** The server's process and its children (the workers when WORKERS > 1). */
async function processTree (pid: number): Promise<number[]> {
  try {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')
    return [pid, ...children.trim().split(/\s+/).filter((child) => child !== '').map(Number)]
  } catch {
    return [pid]
  }
}

const sumOver = async (pid: number, measure: (pid: number) => Promise<number>) => {
  const values = await Promise.all((await processTree(pid)).map(measure))
  return values.reduce((sum, value) => sum + value, 0)
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
async function cpuSeconds (pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}

/** Polls `url` until `isReady(status)`; gives up after 60 s or when the process has exited. */
async function waitForReady (url: string, exited: () => boolean, isReady: (status: number) => boolean) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline && !exited()) {
    try {
      if (isReady((await fetch(url)).status)) return
    } catch {} // not listening yet
    await sleep(100)
  }
  throw new Error(`${url} did not become ready`)
}

interface NodeProcess {
  url: string
  pid: number
  stop: () => Promise<void>
}

interface NodeProcessOptions {
  script: string
  nodeArgs: string[]
  env: NodeJS.ProcessEnv
  port: number
  /** Polled until `isReady` says yes. */
  readyPath: string
  isReady: (status: number) => boolean
}

/** Runs a compiled script in its own node process on 127.0.0.1:`port` and waits until it answers. */
async function startNodeProcess ({ script, nodeArgs, env, port, readyPath, isReady }: NodeProcessOptions): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...nodeArgs, join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      // As npm start does: argon2's 19 MiB blocks are mmap'd and given back to the OS when freed, instead of
      // staying in glibc's per-thread arenas (bench/README.md, memory). The same for the peers, for fairness.
      MALLOC_MMAP_THRESHOLD_: '4194304',
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env
    }
  })
  child.stdout.pipe(process.stderr) // warnings stay visible, stdout stays the table
  let exitCode: number | null = null
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => { exitCode = code ?? -1; resolve() }))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (exitCode !== null) return
    child.kill('SIGTERM') // graceful: closes pools, and lets --cpu-prof write its profile
    await Promise.race([exited, sleep(20_000)])
    if (exitCode === null) child.kill('SIGKILL')
  }
  try {
    await waitForReady(`${url}${readyPath}`, () => exitCode !== null, isReady)
  } catch (err) {
    await stop()
    throw new Error(`${script} did not start`, { cause: err })
  }
  return { url, pid: child.pid ?? 0, stop }
}

/**
 * Starts everything; `nodeArgs` go to the server's node (e.g. --cpu-prof); `workers` sets WORKERS;
 * `secondInstance` starts a second Sesame on the same MariaDB and Redis (the revocation scenario).
 */
export async function startStack (nodeArgs: string[] = [], workers = 1, secondInstance = false): Promise<Stack> {
  ensureServerBinaries()
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-bench-'))
  const [mariadb, redis] = await Promise.all([
    startMariaDb({ dataDir: join(dataDir, 'mariadb') }),
    startRedis({ dataDir: join(dataDir, 'redis') })
  ])
  const started: NodeProcess[] = []
  const stop = async () => {
    await Promise.all(started.map((child) => child.stop()))
    await Promise.all([mariadb.stop(), redis.stop()])
    await rm(dataDir, { recursive: true, force: true })
  }

  const metricsPort = await freePort()
  let server: NodeProcess, bare: NodeProcess, naive: NodeProcess, notes: NodeProcess, second: NodeProcess | undefined
  try {
    const sesame = async (port: number, metrics: number) => startNodeProcess({
      script: 'dist/src/server.js',
      nodeArgs: ['--expose-gc', '--import', join(PROJECT_ROOT, 'dist/bench/gc-on-signal.js'), ...nodeArgs],
      port,
      readyPath: '/ready',
      isReady: (status) => status === 200,
      env: {
        LOG_LEVEL: 'warn',
        MYSQL_URL: mariadb.url,
        REDIS_URL: redis.url,
        // Every virtual phone comes from 127.0.0.1; a per-IP limit would turn the login runs into 429s.
        IP_RATE_LIMIT_PER_MINUTE: '1000000000',
        // Production refuses the log SMS provider; no scenario sends a code, so a webhook nobody listens on will do.
        SMS_PROVIDER: 'webhook',
        SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
        WORKERS: String(workers),
        // Metrics on, as in production: every response is counted and timed (plugins/metrics.ts).
        METRICS_PORT: String(metrics),
        // The Redis-invalidated session cache (SPEC §12) is off by default; the bench measures it on.
        SESSION_CACHE_SIZE: process.env.SESSION_CACHE_SIZE ?? '100000'
      }
    })
    // allSettled, so that every process that did start is stopped again if another one failed.
    const starts = await Promise.allSettled([
      sesame(await freePort(), metricsPort),
      startNodeProcess({ script: 'dist/bench/peers/bare.js', nodeArgs: [], port: await freePort(), readyPath: '/hello', isReady: (status) => status === 200, env: {} }),
      startNodeProcess({
        script: 'dist/bench/peers/naive-port.js',
        nodeArgs: [],
        port: await freePort(),
        readyPath: '/user', // 401 without a token: listening, and connected to Redis (it listens only then)
        isReady: (status) => status === 401,
        env: { REDIS_URL: redis.url }
      }),
      // examples/notes-api: the plugin on Sesame's Redis, its cache at the plugin's default size.
      startNodeProcess({ script: 'dist/examples/notes-api/src/server.js', nodeArgs: [], port: await freePort(), readyPath: '/health', isReady: (status) => status === 200, env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn' } })
    ])
    for (const result of starts) if (result.status === 'fulfilled') started.push(result.value)
    for (const result of starts) if (result.status === 'rejected') throw result.reason
    ;[server, bare, naive, notes] = started as [NodeProcess, NodeProcess, NodeProcess, NodeProcess]
    if (secondInstance) {
      // After the first, which has migrated the database by now.
      second = await sesame(await freePort(), await freePort())
      started.push(second)
    }
    // The metrics must be on, or the bench measures a server production does not run.
    if (!(await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok) throw new Error(`no metrics on METRICS_PORT ${metricsPort}`)
  } catch (err) {
    await stop()
    throw err
  }
  const serverCpuSeconds = () => sumOver(server.pid, cpuSeconds)
  const settle = async () => {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const before = await serverCpuSeconds()
      await sleep(300)
      const busy = (await serverCpuSeconds() - before) / 0.3
      if (!(busy > 0.1)) return // under 10 % of a core (or no /proc to tell)
    }
    console.error('the server is still busy after 60 s; measuring anyway')
  }
  const collectGarbage = async () => {
    for (const pid of await processTree(server.pid)) process.kill(pid, 'SIGWINCH') // bench/gc-on-signal.ts: gc()
    await sleep(1000)
  }
  const serverHeapMb = async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
    const bytes = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)$/m.exec(metrics)?.[1]
    return bytes === undefined ? Number.NaN : Number(bytes) / 2 ** 20
  }
  const peer = (child: NodeProcess): Peer => ({ url: child.url, rssMb: () => rssMb(child.pid), cpuSeconds: () => cpuSeconds(child.pid) })
  return {
    url: server.url,
    secondUrl: second?.url,
    peers: { bare: peer(bare), naive: peer(naive), notes: peer(notes) },
    collectGarbage,
    serverHeapMb,
    mysqlUrl: mariadb.url,
    redisUrl: redis.url,
    serverRssMb: () => sumOver(server.pid, rssMb),
    serverCpuSeconds,
    settle,
    stop
  }
}
