/*
 * The example service's scenario (issue 15): examples/notes-api's GET /notes, authenticated by
 * @sesame/fastify-auth on Sesame's Redis, as a ratio to the same bare Fastify floor as Sesame's GET /user,
 * and the Redis commands it costs per request on a warm cache (target 0: the plugin's memory, which Redis
 * invalidates, answers every resolve).
 */
import { Redis } from 'ioredis'
import type { Round } from './report.js'

export const NOTES_ROW = 'notes-api /notes (example)'
const BARE_ROW = 'bare /hello (peer)'

/** Commands the counting itself and other clients' connection upkeep cost: not a request's. */
const NOT_A_REQUEST = new Set(['info', 'ping', 'client', 'hello', 'subscribe', 'cluster', 'select', 'quit', 'command'])

/** Calls per command that Redis has run so far (INFO commandstats), but the ones in NOT_A_REQUEST. */
export async function redisCommandCounts (redisUrl: string): Promise<Record<string, number>> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const counts: Record<string, number> = {}
    for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const [, command = '', calls = '0'] = match
      if (!NOT_A_REQUEST.has(command)) counts[command] = Number(calls)
    }
    return counts
  } finally {
    redis.disconnect()
  }
}

/** What ran between two readings of `redisCommandCounts`: the total and the commands that moved. */
export function commandsBetween (before: Record<string, number>, after: Record<string, number>) {
  const byCommand: Record<string, number> = {}
  for (const [command, calls] of Object.entries(after)) {
    const delta = calls - (before[command] ?? 0)
    if (delta > 0) byCommand[command] = delta
  }
  return { commands: Object.values(byCommand).reduce((sum, calls) => sum + calls, 0), byCommand }
}

/** The example's lines for a round: its ratio to bare Fastify, and Redis commands per request. */
export function exampleLines (round: Round, bold = false): string[] {
  const notes = round.rows.find((row) => row.scenario === NOTES_ROW)
  const bare = round.rows.find((row) => row.scenario === BARE_ROW)
  if (notes === undefined) return []
  const lines: string[] = []
  if (bare !== undefined) {
    const ratio = (notes.requestsPerSecond / bare.requestsPerSecond).toFixed(2)
    const cpu = bare.cpuUsPerRequest / notes.cpuUsPerRequest
    lines.push(`notes-api GET /notes (plugin) : bare Fastify GET /hello = ${bold ? `**${ratio}**` : ratio}${Number.isFinite(cpu) ? ` (by CPU per request ${cpu.toFixed(2)})` : ''}`)
  }
  if (notes.redisCommands !== undefined) {
    const { commands, requests, byCommand } = notes.redisCommands
    const which = Object.entries(byCommand ?? {}).map(([command, calls]) => `${command} ${calls}`).join(', ')
    lines.push(`notes-api GET /notes: Redis commands per request on a warm cache = ${(commands / Math.max(1, requests)).toFixed(5)} (${commands} commands${which === '' ? '' : ` (${which})`}, all clients, over ${requests} requests; target 0)`)
  }
  return lines
}
