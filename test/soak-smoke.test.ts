/*
 * The chaos soak of issue 11 (npm run soak), for 60 seconds on a single Redis: it must complete, inject at
 * least one fault, report its counts in the expected shape, and find no invariant violated.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../src/config/project.js'

const RUN = join(PROJECT_ROOT, 'dist', 'soak', 'run.js')
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0)

interface Summary {
  completed: boolean
  requests: { total: number, byStatus: Record<string, number>, byRoute: Record<string, Record<string, number>> }
  faults: { total: number, byKind: Record<string, number>, list: Array<{ kind: string, at: number }> }
  violations: { total: number, byKind: Record<string, number>, list: Array<{ kind: string, at: number, details: unknown }> }
  memory: Array<{ instance: number, firstMb: number, lastMb: number }>
  checks: { tokensProbed: number, nicknamesCompared: number, redis: { sessions: number, problems: number } }
}

t.setTimeout(300_000) // setup, 60 s of load and the final checks; the runner's default is 120 s

t.before(() => {
  if (!existsSync(RUN)) throw new Error(`${RUN} is missing: run npm run build first`)
})

t.test('a 60-second soak completes, injects faults and reports its counts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-soak-smoke-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const out = join(dir, 'summary.json')
  // Seed 4: an instance restart at 10 s and a Redis SIGKILL + restart at 21 s.
  const child = spawn(process.execPath, [RUN, '--minutes', '1', '--seed', '4', '--out', out], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const finished = code === 0 || code === 1
  t.ok(finished, `exit code ${code} (0: no violation, 1: violations, 2: the harness failed)`)
  if (!finished) t.comment(stderr.slice(-4000))

  const summary = JSON.parse(await readFile(out, 'utf8')) as Summary
  t.equal(summary.completed, true, 'the soak completed')
  t.match(summary, {
    settings: { minutes: 1, seed: 4, instances: 2, cluster: false },
    requests: { total: Number, byStatus: Object, byRoute: Object },
    faults: { total: Number, byKind: Object, list: Array },
    violations: { total: Number, byKind: Object, list: Array },
    memory: Array,
    checks: { tokensProbed: Number, nicknamesCompared: Number, redis: { users: Number, sessions: Number, problems: Number } }
  }, 'the summary has the expected structure')
  t.ok(summary.faults.total >= 1, `${summary.faults.total} faults injected: ${summary.faults.list.map((f) => `${f.kind} at ${f.at} s`).join(', ')}`)
  t.equal(summary.faults.total, sum(summary.faults.byKind), 'faults by kind add up')
  t.ok(summary.requests.total > 200, `${summary.requests.total} requests`)
  t.equal(sum(summary.requests.byStatus), summary.requests.total, 'requests by status add up')
  t.ok((summary.requests.byStatus['200'] ?? 0) > 0 && (summary.requests.byRoute['POST /password/reset'] !== undefined), 'real flows ran, SMS reset included')
  t.equal(sum(summary.violations.byKind), summary.violations.total, 'violations by kind add up')
  t.equal(code === 1, summary.violations.total > 0, 'the exit code says whether there were violations')
  t.ok(summary.violations.list.every((v) => typeof v.kind === 'string' && typeof v.at === 'number' && typeof v.details === 'object'),
    'every violation has a kind, a time and details')
  t.ok(summary.memory.length >= 2, 'memory of every instance was sampled')
  t.ok(summary.checks.tokensProbed > 0 && summary.checks.nicknamesCompared > 0, 'the final checks ran')
  t.match(stdout, /requests\s+\d+[\s\S]*faults injected[\s\S]*violations\s+\d+/, 'the table was printed')

  t.comment(`violations: ${summary.violations.total} ${JSON.stringify(summary.violations.byKind)}`)
  for (const violation of summary.violations.list.slice(0, 40)) t.comment(`${violation.kind} at ${violation.at / 1000} s: ${JSON.stringify(violation.details)}`)
  t.equal(summary.violations.total, 0, 'no invariant was violated')
})
