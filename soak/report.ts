/* The summary: a table on stdout and the same data as JSON in soak/results/<timestamp>.json. */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { FinalChecks } from './checks.js'
import type { FaultRecord } from './faults.js'
import type { Instance } from './instances.js'
import type { Journal, Violation } from './journal.js'

export interface Settings { minutes: number, seed: number, instances: number, cluster: boolean, users: number, clients: number }

export interface MemoryRow { instance: number, pid: number, firstMb: number, lastMb: number, maxMb: number, samples: number, seconds: number }

export interface Summary {
  completed: boolean
  error?: string
  settings: Settings
  startedAt: string
  loadSeconds: number
  requests: { total: number, byStatus: Record<string, number>, byRoute: Record<string, Record<string, number>> }
  faults: { total: number, byKind: Record<string, number>, list: FaultRecord[] }
  violations: { total: number, byKind: Record<string, number>, list: Violation[] }
  memory: MemoryRow[]
  checks?: FinalChecks
  flows: Record<string, number>
  harnessErrors: string[]
}

/** A process sampled for 4 minutes or more whose RSS grew by half and by 64 MB after its first minute leaks. */
const LEAK = { minSeconds: 240, warmupMs: 60_000, ratio: 1.5, mb: 64 }

export function memoryRows (instances: Instance[], journal: Journal): MemoryRow[] {
  const rows: MemoryRow[] = []
  for (const instance of instances) {
    for (const [pid, samples] of instance.memory) {
      const first = samples[0]
      const last = samples.at(-1)
      if (first === undefined || last === undefined) continue
      const seconds = Math.round((last.at - first.at) / 1000)
      rows.push({ instance: instance.index, pid, firstMb: first.rssMb, lastMb: last.rssMb, maxMb: Math.max(...samples.map((s) => s.rssMb)), samples: samples.length, seconds })
      const base = samples.find((s) => s.at - first.at >= LEAK.warmupMs)
      if (base !== undefined && seconds >= LEAK.minSeconds && last.rssMb > base.rssMb * LEAK.ratio && last.rssMb - base.rssMb > LEAK.mb) {
        journal.violate('memory_growth', { instance: instance.index, pid, afterFirstMinuteMb: base.rssMb, lastMb: last.rssMb, seconds })
      }
    }
  }
  return rows
}

const tally = (entries: Iterable<[string, number]>) => Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)))

export function summarize (journal: Journal, parts: Omit<Summary, 'requests' | 'faults' | 'violations' | 'startedAt'> & { faults: FaultRecord[] }): Summary {
  const byStatus = new Map<string, number>()
  const byRoute: Record<string, Record<string, number>> = {}
  for (const [route, statuses] of journal.routes) {
    byRoute[route] = tally(statuses)
    for (const [status, n] of statuses) byStatus.set(status, (byStatus.get(status) ?? 0) + n)
  }
  const kinds = new Map<string, number>()
  for (const fault of parts.faults) kinds.set(fault.kind, (kinds.get(fault.kind) ?? 0) + 1)
  const total = [...journal.violationCounts.values()].reduce((sum, n) => sum + n, 0)
  return {
    ...parts,
    startedAt: new Date(journal.startedAt).toISOString(),
    requests: { total: journal.requests, byStatus: tally(byStatus), byRoute },
    faults: { total: parts.faults.length, byKind: tally(kinds), list: parts.faults },
    violations: { total, byKind: tally(journal.violationCounts), list: journal.violations }
  }
}

const inline = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(' · ') || '—'
const row = (label: string, value: string | number) => `${label.padEnd(30)}${value}`

export function printSummary (summary: Summary, out: (line: string) => void = console.log) {
  const s = summary.settings
  out('')
  out(`Sesame soak: ${s.minutes} min, seed ${s.seed}, ${s.instances} instances, ${s.cluster ? 'Redis Cluster' : 'single Redis'}, ` +
    `${s.clients} clients — ${summary.completed ? 'completed' : `NOT completed: ${summary.error ?? ''}`}`)
  out(row('requests', summary.requests.total))
  out(row('  by status', inline(summary.requests.byStatus)))
  for (const [route, statuses] of Object.entries(summary.requests.byRoute)) out(row(`  ${route}`, inline(statuses)))
  out(row('faults injected', summary.faults.total))
  out(row('  by kind', inline(summary.faults.byKind)))
  for (const f of summary.faults.list) out(row('', `${f.at} s ${f.kind} ${f.target} (${(f.ms / 1000).toFixed(1)} s)`))
  out(row('memory (VmRSS)', summary.memory.length === 0 ? '—' : ''))
  for (const m of summary.memory) {
    out(row(`  instance ${m.instance}`, `pid ${m.pid}: first ${m.firstMb} MB, last ${m.lastMb} MB, max ${m.maxMb} MB (${m.samples} samples over ${m.seconds} s)`))
  }
  if (summary.checks !== undefined) {
    const c = summary.checks
    out(row('final checks', `${c.usersInMysql} users in MySQL, ${c.nicknamesCompared} nicknames and ${c.cachedNicknamesCompared} cached ones compared, ` +
      `${c.tokensProbed} tokens probed (${c.tokensWorking} working), Redis ${c.redis.users} users / ${c.redis.sessions} sessions / ${c.redis.problems} problems, ` +
      `${c.passwordsSettled} unknown password changes settled`))
  }
  if (summary.harnessErrors.length > 0) out(row('harness errors', `${summary.harnessErrors.length} (see the JSON)`))
  out(row('violations', summary.violations.total))
  for (const [kind, n] of Object.entries(summary.violations.byKind)) {
    out(row(`  ${kind}`, n))
    for (const v of summary.violations.list.filter((each) => each.kind === kind).slice(0, 10)) out(`      - at ${v.at / 1000} s ${JSON.stringify(v.details)}`)
    if (n > 10) out(`      … ${n - 10} more in the JSON`)
  }
}

export async function writeResults (summary: Summary, path: string) {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, JSON.stringify(summary, null, 2) + '\n')
}
