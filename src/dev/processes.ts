/*
 * The parts of the private dev servers that are about processes, not databases: finding and installing
 * the binaries, free ports, and child processes that die with the process that started them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { withDeadline } from '../runtime/deadline.js'
import { installAdvice, type Server } from './install-advice.js'

type Log = (message: string) => void

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]

/** The first of `names` found on the usual system paths or PATH, or null. */
export const findBinary = (...names: string[]) => {
  for (const name of names) {
    for (const dir of SEARCH_PATH) {
      if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
    }
  }
  return null
}

export const BINARIES = {
  mariadbd: ['mariadbd', 'mysqld'],
  installDb: ['mariadb-install-db', 'mysql_install_db'],
  redis: ['redis-server']
}

const NEEDS: Record<Server, Array<keyof typeof BINARIES>> = { mariadb: ['mariadbd', 'installDb'], redis: ['redis'] }

/**
 * Installs mariadb-server and redis-server with apt-get when one of `servers` is missing and this is root
 * on Debian or Ubuntu; anywhere else it throws what to install with the machine's package manager.
 */
export function ensureServerBinaries (log: Log = console.log, servers: Server[] = ['mariadb', 'redis']) {
  const missing = () => servers.filter((server) => NEEDS[server].some((binary) => findBinary(...BINARIES[binary]) === null))
  if (missing().length === 0) return
  const root = process.getuid?.() === 0
  if (!root || findBinary('apt-get') === null) throw new Error(installAdvice(missing(), (binary) => findBinary(binary) !== null, root))
  log('installing mariadb-server and redis-server with apt-get (once)…')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'mariadb-server', 'redis-server']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed with status ${result.status}`)
  }
  if (missing().length > 0) throw new Error('apt-get finished but mariadbd or redis-server is still missing')
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const live = new Set<ChildProcess>()
process.once('exit', () => { for (const child of live) child.kill('SIGKILL') })

export async function startProcess (command: string, args: string[], logFile: string) {
  const log = await open(logFile, 'a')
  // Own process group: a Ctrl-C in the terminal reaches Sesame, which closes itself first and then its servers.
  const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd], detached: true })
  await log.close()
  live.add(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { live.delete(child); resolve(code) }))
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  return { child, exited, stop }
}

/** Retries `attempt` until it succeeds, the process exits, or `ms` pass. */
export async function waitUntilReady (name: string, attempt: () => Promise<void>, exited: Promise<number | null>, logFile: string, ms = 30_000) {
  const state = { gone: false }
  exited.then(() => { state.gone = true }, () => {})
  const deadline = Date.now() + ms
  let lastError: unknown
  while (Date.now() < deadline && !state.gone) {
    try {
      await withDeadline(attempt(), 2000, () => new Error('no answer in 2000 ms'))
      return
    } catch (err) {
      lastError = err
      await sleep(50)
    }
  }
  throw new Error(`${name} did not start (${state.gone ? 'it exited' : 'timed out'}); see ${logFile}: ${String(lastError)}`)
}
