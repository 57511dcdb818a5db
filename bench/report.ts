import type autocannon from 'autocannon'
import type { RevocationResult } from './revocation.js'

export interface Row {
  scenario: string
  connections: number
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  /** Server RSS in MB right after the scenario. */
  rssMb: number
  /** Server CPU time per response, in µs: unlike req/s, barely moved by other load on the machine. */
  cpuUsPerRequest: number
  /** Redis commands run during the scenario (INFO commandstats delta) and its responses, where counted (bench/example.ts). */
  redisCommands?: { commands: number, requests: number, byCommand?: Record<string, number> }
}

export interface Round {
  rows: Row[]
  /** Server RSS in MB at the end of the round, after a full garbage collection. */
  rssMb: number
  /** V8 heap in use at the end of the round, after a full garbage collection: what a leak would grow. */
  heapMb?: number
  /** The revocation scenario: logouts on instance A, refused by instance B how long after. */
  revocation?: RevocationResult
}

export interface Target { name: string, value: string, pass: boolean }

export const toRow = (scenario: string, result: autocannon.Result, rssMb: number, cpuSeconds: number): Row => ({
  scenario,
  connections: result.connections,
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors,
  non2xx: result.non2xx,
  rssMb,
  cpuUsPerRequest: 1e6 * cpuSeconds / Math.max(1, result.requests.total)
})

const COLUMNS: Array<[string, (row: Row) => string]> = [
  ['scenario', (row) => row.scenario],
  ['conn', (row) => String(row.connections)],
  ['req/s', (row) => row.requestsPerSecond.toFixed(0)],
  ['p50 ms', (row) => String(row.p50)],
  ['p99 ms', (row) => String(row.p99)],
  ['errors', (row) => String(row.errors)],
  ['non-2xx', (row) => String(row.non2xx)],
  ['RSS MB', (row) => row.rssMb.toFixed(0)],
  ['CPU µs/req', (row) => Number.isNaN(row.cpuUsPerRequest) ? '-' : row.cpuUsPerRequest.toFixed(0)]
]

/** A Markdown table, readable in a terminal and pasteable into bench/README.md. */
export function table (rows: Row[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))]
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)))
  const line = (values: string[]) => `| ${values.map((value, i) => i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0)).join(' | ')} |`
  const rule = `|${widths.map((width, i) => i === 0 ? '-'.repeat(width + 2) : '-'.repeat(width + 1) + ':').join('|')}|`
  return [line(cells[0] ?? []), rule, ...cells.slice(1).map(line)].join('\n')
}

/** Row names of the scenarios that are not plain Sesame steps. */
export const ROW = {
  health: 'health',
  user: 'user',
  login: 'login',
  bare: 'bare /hello (peer)',
  naive: 'naive /user (peer)',
  notes: 'notes-api /notes (example)',
  probe: 'health during login'
} as const

const find = (round: Round | undefined, scenario: string) => round?.rows.find((row) => row.scenario === scenario)

export interface Ratio {
  /** What Sesame's GET /user is compared with. */
  against: string
  /** req/s of Sesame's GET /user over req/s of the other. */
  requests: number
  /** The same by server CPU per response (the other's µs over Sesame's): steadier on a shared machine. */
  cpu: number
}

/** Sesame's GET /user against each of the others that ran in the round: bare Fastify, the naive port, its own /health. */
export function ratios (round: Round): Ratio[] {
  const user = find(round, ROW.user)
  if (user === undefined) return []
  const against: Array<[string, string]> = [[ROW.bare, 'bare Fastify GET /hello'], [ROW.naive, 'naive port GET /user'], [ROW.health, 'Sesame GET /health']]
  return against.flatMap(([scenario, label]) => {
    const other = find(round, scenario)
    return other === undefined
      ? []
      : [{ against: label, requests: user.requestsPerSecond / other.requestsPerSecond, cpu: other.cpuUsPerRequest / user.cpuUsPerRequest }]
  })
}

const ratioOf = (round: Round, against: string) => ratios(round).find((ratio) => ratio.against === against)?.requests

/** One line per ratio, e.g. `Sesame GET /user : bare Fastify GET /hello = 0.24 (by CPU per request 0.30)`. */
export const ratioLines = (round: Round, bold = false) => ratios(round).map(({ against, requests, cpu }) => {
  const value = bold ? `**${requests.toFixed(2)}**` : requests.toFixed(2)
  return `Sesame GET /user : ${against} = ${value}${Number.isFinite(cpu) ? ` (by CPU per request ${cpu.toFixed(2)})` : ''}`
})

/** Maximum RSS growth from the first round to the last that still counts as "no growth" (GC and malloc noise). */
// RSS after a full collection still moves by ±20 MB between rounds with the allocators' timing (bench/README.md);
// the heap reading is the leak check, RSS growth a coarser guard.
export const RSS_GROWTH_ALLOWANCE_MB = 25
export const HEAP_GROWTH_ALLOWANCE_MB = 5

/** A target checked round by round: met when it holds in at least two thirds of the rounds that measured it. */
interface RoundTarget {
  name: (round: Round) => string
  /** The round's reading, or undefined if the round did not run what it needs. */
  measure: (round: Round) => number | undefined
  met: (value: number) => boolean
  format: (value: number) => string
}

/** Two of three rounds (and 1 of 1, 2 of 2, 3 of 4): one noisy round on a shared machine does not decide. */
export const roundsNeeded = (rounds: number) => Math.ceil(2 * rounds / 3)

const ROUND_TARGETS: RoundTarget[] = [
  {
    name: () => 'GET /user req/s >= 0.7 x bare Fastify GET /hello',
    measure: (round) => ratioOf(round, 'bare Fastify GET /hello'),
    met: (ratio) => ratio >= 0.7,
    format: (ratio) => ratio.toFixed(2)
  },
  {
    name: () => 'GET /user req/s >= 1.5 x naive port GET /user',
    measure: (round) => ratioOf(round, 'naive port GET /user'),
    met: (ratio) => ratio >= 1.5,
    format: (ratio) => ratio.toFixed(2)
  },
  {
    name: () => 'GET /user req/s >= 0.5 x GET /health',
    measure: (round) => ratioOf(round, 'Sesame GET /health'),
    met: (ratio) => ratio >= 0.5,
    format: (ratio) => ratio.toFixed(2)
  },
  {
    name: (round) => `GET /user p99 <= 5 ms at ${find(round, ROW.user)?.connections ?? '?'} connections`,
    measure: (round) => find(round, ROW.user)?.p99,
    met: (p99) => p99 <= 5,
    format: (p99) => `${p99} ms`
  },
  {
    name: () => 'a logout on instance A refused by instance B within p99 <= 100 ms',
    measure: (round) => round.revocation?.p99,
    met: (p99) => p99 <= 100,
    format: (p99) => `${p99.toFixed(1)} ms`
  },
  {
    name: () => 'GET /health p99 <= 50 ms during login load',
    measure: (round) => find(round, ROW.probe)?.p99,
    met: (p99) => p99 <= 50,
    format: (p99) => `${p99} ms`
  },
  {
    name: () => 'logins/s >= 25',
    measure: (round) => find(round, ROW.login)?.requestsPerSecond,
    met: (rate) => rate >= 25,
    format: (rate) => rate.toFixed(0)
  },
  {
    name: () => 'server RSS <= 150 MB at the end of the round (after a full collection)',
    measure: (round) => round.rssMb,
    met: (mb) => mb <= 150,
    format: (mb) => `${mb.toFixed(0)} MB`
  }
]

/** The issue's targets: the per-round ones in two of three rounds, errors in every round, memory across rounds. */
export function checkTargets (rounds: Round[]): Target[] {
  const targets: Target[] = []
  for (const target of ROUND_TARGETS) {
    const measured = rounds.flatMap((round) => {
      const value = target.measure(round)
      return value === undefined || Number.isNaN(value) ? [] : [{ round, value }]
    })
    const first = measured[0]
    if (first === undefined) continue
    const needed = roundsNeeded(measured.length)
    const met = measured.filter(({ value }) => target.met(value)).length
    targets.push({
      name: `${target.name(first.round)}, in >= ${needed} of ${measured.length} rounds`,
      value: `${measured.map(({ value }) => target.format(value)).join(' / ')}; met in ${met}`,
      pass: met >= needed
    })
  }
  rounds.forEach((round, i) => {
    const tag = rounds.length > 1 ? ` (round ${i + 1})` : ''
    const failed = round.rows.filter((row) => row.errors + row.non2xx > 0)
    targets.push({
      name: `zero errors and non-2xx${tag}`,
      value: failed.length === 0 ? '0' : failed.map((row) => `${row.scenario}: ${row.errors} errors, ${row.non2xx} non-2xx`).join('; '),
      pass: failed.length === 0
    })
  })
  const first = rounds[0]
  const last = rounds.at(-1)
  if (first !== undefined && last !== undefined) {
    if (rounds.length > 1 && first.heapMb !== undefined && last.heapMb !== undefined) {
      const heapGrowth = last.heapMb - first.heapMb
      targets.push({
        name: `no leak: V8 heap after a full collection grows <= ${HEAP_GROWTH_ALLOWANCE_MB} MB from round 1 to round ${rounds.length}`,
        value: `${first.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB`,
        pass: heapGrowth <= HEAP_GROWTH_ALLOWANCE_MB
      })
    }
    // Round 1 warms the allocators up (thread arenas, buffers, code): RSS is compared between the last two rounds.
    const previous = rounds.at(-2)
    if (previous !== undefined) {
      const growth = last.rssMb - previous.rssMb
      targets.push({
        name: `no RSS growth from round ${rounds.length - 1} to round ${rounds.length} (<= ${RSS_GROWTH_ALLOWANCE_MB} MB)`,
        value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
        pass: growth <= RSS_GROWTH_ALLOWANCE_MB
      })
    }
  }
  return targets
}

export const targetLines = (targets: Target[]) =>
  targets.map((target) => `${target.pass ? 'PASS' : 'FAIL'}  ${target.name}: ${target.value}`).join('\n')
