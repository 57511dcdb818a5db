/*
 * What already runs on a private dev server's data folder. Sesame's MariaDB and Redis run in their own
 * process group (src/dev/processes.ts), so a Sesame killed with SIGKILL leaves them running; a second
 * server on the same data then cannot start (MariaDB waits for the InnoDB lock) or corrupts it (Redis's
 * append-only file). Each data folder keeps `sesame-server.json`: the port (so it stays the same from one
 * start to the next), the server's pid, and the pid of the Sesame process that owns it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type Kind = 'mariadb' | 'redis'

export interface ServerState {
  port?: number
  /** The server process. */
  pid?: number
  /** The Sesame process (npm start, or npm run migrate) that started or adopted it and stops it. */
  owner?: number
}

export interface RunningServer {
  pid: number
  /** Its command line, to name it in messages. */
  command: string
  /** Where it listens, when known (from the state file or its command line). */
  port: number | undefined
}

const STATE_FILE = 'sesame-server.json'
const PID_FILES: Record<Kind, string> = { mariadb: 'mariadb.pid', redis: 'redis.pid' }
const PROGRAMS: Record<Kind, RegExp> = { mariadb: /(^|\/)(mariadbd|mysqld)\b/, redis: /(^|\/)redis-server\b/ }

const asPid = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined

export function readState (dataDir: string): ServerState {
  try {
    const raw = JSON.parse(readFileSync(join(dataDir, STATE_FILE), 'utf8')) as Record<string, unknown>
    return { port: asPid(raw.port), pid: asPid(raw.pid), owner: asPid(raw.owner) }
  } catch {
    return {}
  }
}

export const writeState = (dataDir: string, state: ServerState) =>
  writeFileSync(join(dataDir, STATE_FILE), `${JSON.stringify(state)}\n`)

/** true when `pid` is a live process (EPERM: it exists, under another user). */
export function isAlive (pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The arguments of `pid` (Linux /proc), or undefined where they cannot be read. */
function commandArgs (pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '')
  } catch {
    return undefined
  }
}

const readPidFile = (path: string) => {
  try {
    return asPid(Number(readFileSync(path, 'utf8').trim()))
  } catch {
    return undefined
  }
}

/** Live MariaDB processes whose --datadir is `dbDir`, found in /proc (also those Sesame did not start). */
function mariadbsOn (dbDir: string) {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries.filter((name) => /^\d+$/.test(name)).map(Number)
    .filter((pid) => {
      const args = commandArgs(pid)
      return args !== undefined && PROGRAMS.mariadb.test(args[0] ?? '') && args.includes(`--datadir=${dbDir}`)
    })
}

/**
 * The server process running on `dataDir`, or null: the pid files (mariadbd's --pid-file, redis-server's
 * --pidfile, the state file) and, for MariaDB, any mariadbd whose --datadir is `dbDir`.
 */
export function findRunning (kind: Kind, dataDir: string, dbDir = join(dataDir, 'db')): RunningServer | null {
  const state = readState(dataDir)
  const candidates = [state.pid, readPidFile(join(dataDir, PID_FILES[kind])), ...(kind === 'mariadb' ? mariadbsOn(dbDir) : [])]
  for (const pid of candidates) {
    if (pid === undefined || pid === process.pid || !isAlive(pid)) continue
    const args = commandArgs(pid)
    // Where /proc cannot be read, a live pid from our own pid files is taken as the server.
    if (args !== undefined && !PROGRAMS[kind].test(args[0] ?? '')) continue
    // A reused pid: a MariaDB on other data is not this one.
    if (kind === 'mariadb' && args !== undefined && !args.includes(`--datadir=${dbDir}`)) continue
    const command = args?.join(' ')
    return { pid, command: command ?? `pid ${pid}`, port: portOf(command) ?? (pid === state.pid ? state.port : undefined) }
  }
  return null
}

/** The port in a command line: mariadbd's --port=N, or the title redis-server gives itself (`redis-server 127.0.0.1:N`). */
function portOf (command: string | undefined) {
  const match = command === undefined ? null : /--port[= ](\d+)|127\.0\.0\.1:(\d+)/.exec(command)
  const port = Number(match?.[1] ?? match?.[2])
  return Number.isInteger(port) && port > 0 ? port : undefined
}
