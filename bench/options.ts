/*
 * The command line of `npm run bench` (bench/run.ts): flags, checked settings and the steps to run.
 */
import { parseArgs } from 'node:util'

export const USERS = 1000
/** The /health probe that runs beside the login load: a steady, light client, like a load balancer's checks. */
export const PROBE = { connections: 10, overallRate: 200 }
/** `notes` (the example service, bench/example.ts) and `revocation` (bench/revocation.ts) run right after `user`, on fresh sessions. */
export const STEPS = ['health', 'bare', 'naive', 'user', 'notes', 'revocation', 'login', 'mix', 'health-during-login'] as const
export type Step = (typeof STEPS)[number]

export const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    scenario: { type: 'string', default: 'all' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1' },
    readme: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})

if (flags.help) {
  console.log(`usage: npm run bench -- [--connections 50] [--duration 10] [--warmup 3] [--rounds 3] [--workers 1] [--readme]
  [--scenario all|${STEPS.join(',')}] (comma-separated) [--profile] (server runs with --cpu-prof into bench/profiles/)`)
  process.exit(0)
}

function count (name: string, value: string, min: number): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`)
  return parsed
}

export const settings = {
  connections: count('connections', flags.connections, 1),
  duration: count('duration', flags.duration, 1),
  warmup: count('warmup', flags.warmup, 0),
  rounds: count('rounds', flags.rounds, 1),
  workers: count('workers', flags.workers, 1)
}
if (settings.connections > USERS) throw new Error(`--connections must be <= ${USERS} (one user per connection in the mix)`)
const isStep = (name: string): name is Step => (STEPS as readonly string[]).includes(name)
export const steps = (flags.scenario === 'all' ? [...STEPS] : flags.scenario.split(',')).map((name) => {
  if (!isStep(name)) throw new Error(`unknown scenario ${name}; one of ${STEPS.join(', ')}`)
  return name
})
