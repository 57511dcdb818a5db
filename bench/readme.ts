import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../src/config/project.js'
import { ratioLines, table, type Round, type Target } from './report.js'
import { revocationLine } from './revocation.js'
import { exampleLines } from './example.js'

// One section per WORKERS value: <!-- bench:workers-1:start --> … <!-- bench:workers-1:end -->.
const markers = (workers: number) => ({ start: `<!-- bench:workers-${workers}:start -->`, end: `<!-- bench:workers-${workers}:end -->` })

interface Results {
  date: string
  command: string
  machine: { cpus: number, cpu: string, memoryGb: number, os: string, node: string, loadAverageAtEnd: number[] }
  rounds: Round[]
  targets: Target[]
}

/** The README's results section: machine, command, every round's table with Sesame's ratios to the peers and /health, targets. */
export function resultsSection (results: Results, workers: number): string {
  const { start, end } = markers(workers)
  const { machine } = results
  const rounds = results.rounds.map((round, i) => {
    const lines = [...ratioLines(round, true), ...exampleLines(round, true), ...(round.revocation === undefined ? [] : [revocationLine(round.revocation)])]
    return `Round ${i + 1} of ${results.rounds.length}\n\n${table(round.rows)}${lines.length === 0 ? '' : `\n\n${lines.map((line) => `- ${line}`).join('\n')}`}`
  })
  return [
    start,
    `\`${results.command}\` on ${results.date.slice(0, 10)}: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB,`,
    `${machine.os}, Node ${machine.node}; MariaDB, Redis, Sesame, its two peers (bench/README.md) and the load generator on the same machine`,
    `(load average at the end: ${machine.loadAverageAtEnd.join(', ')}).`,
    '',
    ...rounds.flatMap((round) => [round, '']),
    'Targets:',
    '',
    ...results.targets.map((target) => `- ${target.pass ? 'pass' : '**miss**'}: ${target.name} (${target.value})`),
    end
  ].join('\n')
}

/** Rewrites the README's section for this WORKERS value in place; a README without its markers is left alone. */
export async function updateReadme (results: Results, workers: number): Promise<boolean> {
  const path = join(PROJECT_ROOT, 'README.md')
  const readme = await readFile(path, 'utf8')
  const { start, end } = markers(workers)
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) return false
  await writeFile(path, readme.slice(0, from) + resultsSection(results, workers) + readme.slice(to + end.length))
  return true
}
