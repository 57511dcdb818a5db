/*
 * npm run soak [-- --minutes 10 --seed 42 --instances 2 --cluster --out file.json]
 * The chaos soak (issue 11): Sesame instances on shared private MariaDB and Redis, a mixed load of real
 * mobile flows, faults on a schedule from --seed, invariants checked all along and at the end.
 * Exit code 0: no violation; 1: violations; 2: the harness itself failed.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { PROJECT_ROOT } from '../src/config/project.js'
import { finalChecks, type FinalChecks } from './checks.js'
import { planFaults, runFaults, type FaultRecord } from './faults.js'
import { register, type Ctx } from './flows.js'
import { Journal } from './journal.js'
import { runLoad, type LoadStats } from './load.js'
import { Model } from './model.js'
import { seeded } from './random.js'
import { memoryRows, printSummary, summarize, writeResults, type Settings } from './report.js'
import { startStack, type Stack } from './stack.js'

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    instances: { type: 'string', default: '2' },
    cluster: { type: 'boolean', default: false },
    users: { type: 'string', default: '30' },
    clients: { type: 'string', default: '6' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false }
  }
})

if (flags.help) {
  console.log('usage: npm run soak -- [--minutes 10] [--seed N] [--instances 2] [--cluster] [--users 30] [--clients 6] [--out results.json]')
  process.exit(0)
}

function number (name: string, value: string, min: number, integer = true) {
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < min || (integer && !Number.isInteger(parsed))) throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${value}`)
  return parsed
}

const settings: Settings = {
  minutes: number('minutes', flags.minutes, 0.1, false),
  seed: flags.seed === undefined ? randomInt(1, 1_000_000) : number('seed', flags.seed, 0),
  instances: number('instances', flags.instances, 1),
  cluster: flags.cluster,
  users: number('users', flags.users, 1),
  clients: number('clients', flags.clients, 1)
}
const MAX_SESSIONS = 1 // MAX_SESSIONS_PER_USER's default, which the instances run with
const outPath = flags.out ?? join(PROJECT_ROOT, 'soak', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`)

const journal = new Journal()
const durationMs = Math.round(settings.minutes * 60_000)
const state = { loadStart: 0, faults: [] as FaultRecord[], load: { steps: {}, harnessErrors: [] } as LoadStats, checks: undefined as FinalChecks | undefined }

async function soak (stack: Stack) {
  const ctx: Ctx = { journal, model: new Model(journal), stack, rng: seeded(settings.seed ^ 0x5eed), maxFailures: 5, maxUsers: settings.users * 2 }
  for (let i = 0; i < settings.users; i += 5) await Promise.all(Array.from({ length: Math.min(5, settings.users - i) }, () => register(ctx)))
  const plan = planFaults(settings.seed, durationMs, settings.cluster)
  console.error(`soak: ${ctx.model.users.length} users, ${plan.length} faults planned over ${settings.minutes} min (seed ${settings.seed})`)
  state.loadStart = Date.now()
  journal.startedAt = state.loadStart
  const sampler = setInterval(() => { for (const instance of stack.instances) instance.sampleMemory(Date.now()).catch(() => {}) }, 5000)
  const done = { load: false, faultFailed: false }
  const faults = runFaults(plan, stack, journal, state.loadStart, () => done.load)
  faults.catch(() => { done.faultFailed = true }) // a fault that cannot be undone (a server that does not come back) ends the run
  try {
    state.load = await runLoad(ctx, settings.clients, () => done.faultFailed || Date.now() - state.loadStart >= durationMs)
    done.load = true
    state.faults = await faults
    const quietBy = Date.now() + 60_000
    while (journal.faultNow() && Date.now() < quietBy) await sleep(200)
    await sleep(2000) // requests the load gave up on are finished on the server
    for (const instance of stack.instances) await instance.sampleMemory(Date.now())
    state.checks = await finalChecks(ctx, MAX_SESSIONS)
  } finally {
    done.load = true
    clearInterval(sampler)
    await faults.catch(() => {})
  }
}

async function main () {
  let stack: Stack | undefined
  let error: string | undefined
  try {
    stack = await startStack({
      instances: settings.instances,
      cluster: settings.cluster,
      onCrash: (instance, code, signal) => {
        journal.violate('instance_crashed', { instance: instance.index, code, signal, output: instance.tail() })
        instance.start().catch((err: unknown) => console.error(`instance ${instance.index} did not restart: ${String(err)}`))
      }
    })
    await soak(stack)
  } catch (err) {
    error = err instanceof Error ? err.stack ?? err.message : String(err)
    console.error(`soak: ${error}`)
  }
  const summary = summarize(journal, {
    completed: error === undefined,
    ...(error === undefined ? {} : { error: error.split('\n')[0] ?? error }),
    settings,
    loadSeconds: state.loadStart === 0 ? 0 : Math.round((Date.now() - state.loadStart) / 1000),
    faults: state.faults,
    memory: stack === undefined ? [] : memoryRows(stack.instances, journal),
    ...(state.checks === undefined ? {} : { checks: state.checks }),
    flows: state.load.steps,
    harnessErrors: [...state.load.harnessErrors, ...(error === undefined ? [] : [error])]
  })
  printSummary(summary)
  await writeResults(summary, outPath)
  console.log(`\nresults: ${outPath}`)
  await stack?.stop().catch((err: unknown) => console.error(`soak: stopping: ${String(err)}`))
  process.exit(error !== undefined ? 2 : summary.violations.total > 0 ? 1 : 0)
}

await main()
