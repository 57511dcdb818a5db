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

/** All commands Redis has run so far (INFO commandstats), but the ones in NOT_A_REQUEST. */
export async function redisCommandCount (redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let total = 0
    for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!NOT_A_REQUEST.has(match[1] ?? '')) total += Number(match[2])
    }
    return total
  } finally {
    redis.disconnect()
  }
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
    const { commands, requests } = notes.redisCommands
    lines.push(`notes-api GET /notes: Redis commands per request on a warm cache = ${(commands / Math.max(1, requests)).toFixed(5)} (${commands} commands, all clients, over ${requests} requests; target 0)`)
  }
  return lines
}
