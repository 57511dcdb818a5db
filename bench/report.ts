import type autocannon from 'autocannon'

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
}

export interface Round {
  rows: Row[]
  /** Server RSS in MB at the end of the round, after a full garbage collection. */
  rssMb: number
  /** V8 heap in use at the end of the round, after a full garbage collection: what a leak would grow. */
  heapMb?: number
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

const find = (round: Round | undefined, scenario: string) => round?.rows.find((row) => row.scenario === scenario)

/** The ratio of GET /user to GET /health req/s in a round, or undefined if either did not run. */
export function userToHealth (round: Round): number | undefined {
  const health = find(round, 'health')
  const user = find(round, 'user')
  return health === undefined || user === undefined ? undefined : user.requestsPerSecond / health.requestsPerSecond
}

/** Maximum RSS growth from the first round to the last that still counts as "no growth" (GC and malloc noise). */
// RSS after a full collection still moves by ±20 MB between rounds with the allocators' timing (bench/README.md);
// the heap reading is the leak check, RSS growth a coarser guard.
export const RSS_GROWTH_ALLOWANCE_MB = 25
export const HEAP_GROWTH_ALLOWANCE_MB = 5

/** The targets, checked on every round that ran the scenarios they need. */
export function checkTargets (rounds: Round[]): Target[] {
  const targets: Target[] = []
  rounds.forEach((round, i) => {
    const tag = rounds.length > 1 ? ` (round ${i + 1})` : ''
    const ratio = userToHealth(round)
    if (ratio !== undefined) targets.push({ name: `GET /user req/s >= 0.5 x GET /health${tag}`, value: ratio.toFixed(2), pass: ratio >= 0.5 })
    const user = find(round, 'user')
    if (user !== undefined) targets.push({ name: `GET /user p99 <= 25 ms at ${user.connections} connections${tag}`, value: `${user.p99} ms`, pass: user.p99 <= 25 })
    const probe = find(round, 'health during login')
    if (probe !== undefined) targets.push({ name: `GET /health p99 <= 50 ms during login load${tag}`, value: `${probe.p99} ms`, pass: probe.p99 <= 50 })
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
    targets.push({ name: 'server RSS <= 200 MB after the run', value: `${last.rssMb.toFixed(0)} MB`, pass: last.rssMb <= 200 })
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
