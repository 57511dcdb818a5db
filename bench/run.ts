/*
 * npm run bench [-- --connections 50 --duration 10 --warmup 3 --scenario all --rounds 3 --profile]
 * Starts Sesame as in production on private MariaDB/Redis, and beside it its two peers (bench/peers/:
 * bare Fastify, the straightforward two-round-trip port), seeds 1,000 users with live sessions (and
 * the same users' keys for the naive port), runs each scenario with autocannon one after another,
 * prints a table and Sesame's ratios to the peers each round, and writes bench/results.json.
 */
import autocannon from 'autocannon'
import { updateReadme } from './readme.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg, platform, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../src/config/project.js'
import { startStack, type PeerName, type Stack } from './stack.js'
import { seedNaiveSessions, seedSessions, seedUsers } from './seed.js'
import { SCENARIOS, type Fixtures } from './scenarios.js'
import { flags, PROBE, settings, steps, STEPS, USERS, type Step } from './options.js'
import { commandsBetween, exampleLines, redisCommandCounts } from './example.js'
import { measureRevocation, revocationLine, type RevocationResult } from './revocation.js'
import { checkTargets, ratioLines, ROW, table, targetLines, toRow, type Round, type Row } from './report.js'

const load = (url: string, requests: autocannon.Request[], duration: number, extra: Partial<autocannon.Options> = {}) =>
  autocannon({ url, connections: settings.connections, duration, requests, ...extra })

/** The scenarios that load a peer (bench/peers/), each in its own process, instead of Sesame. */
const peerOf = (step: Step): PeerName | undefined => step === 'bare' || step === 'naive' || step === 'notes' ? step : undefined

async function runStep (stack: Stack, step: Exclude<Step, 'revocation'>, fixtures: Fixtures): Promise<Row[]> {
  const peerName = peerOf(step)
  if (peerName !== undefined) {
    const peer = stack.peers[peerName]
    if (settings.warmup > 0) await load(peer.url, SCENARIOS[peerName](fixtures), settings.warmup)
    const cpuBefore = await peer.cpuSeconds()
    const commandsBefore = peerName === 'notes' ? await redisCommandCounts(stack.redisUrl) : {}
    const result = await load(peer.url, SCENARIOS[peerName](fixtures), settings.duration)
    const row = toRow(ROW[peerName], result, await peer.rssMb(), await peer.cpuSeconds() - cpuBefore)
    // After the warm-up: every session is in the plugin's memory, so this counts what a warm cache costs.
    if (peerName === 'notes') row.redisCommands = { ...commandsBetween(commandsBefore, await redisCommandCounts(stack.redisUrl)), requests: result.requests.total }
    return [row]
  }
  if (step !== 'health-during-login' && settings.warmup > 0) await load(stack.url, SCENARIOS[step](fixtures), settings.warmup)
  const cpuBefore = await stack.serverCpuSeconds()
  if (step === 'health-during-login') {
    const [logins, probe] = await Promise.all([
      load(stack.url, SCENARIOS.login(fixtures), settings.duration),
      load(stack.url, SCENARIOS.health(fixtures), settings.duration, PROBE)
    ])
    const cpu = await stack.serverCpuSeconds() - cpuBefore
    const rss = await stack.serverRssMb()
    // The probe's own CPU is counted in the logins' (it is about 1 % of it).
    return [toRow('login, beside the probe', logins, rss, cpu), toRow('health during login', probe, rss, Number.NaN)]
  }
  const result = await load(stack.url, SCENARIOS[step](fixtures), settings.duration)
  return [toRow(step, result, await stack.serverRssMb(), await stack.serverCpuSeconds() - cpuBefore)]
}

async function checkToken (url: string, token: string) {
  const res = await fetch(`${url}/user`, { headers: { token } })
  if (res.status !== 200) throw new Error(`a seeded token does not work at ${url}: ${res.status} ${await res.text()}`)
}

async function main () {
  const profileDir = join(PROJECT_ROOT, 'bench', 'profiles')
  if (flags.profile) await mkdir(profileDir, { recursive: true })
  const stack = await startStack(flags.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [], settings.workers, steps.includes('revocation'))
  process.once('SIGINT', () => { stack.stop().finally(() => process.exit(130)) })
  const rounds: Round[] = []
  try {
    const users = await seedUsers(stack.mysqlUrl, USERS)
    // Nothing ends the naive port's sessions, so once is enough.
    const naiveTokens = await seedNaiveSessions(stack.redisUrl, users)
    await checkToken(stack.peers.naive.url, naiveTokens[0] ?? '')
    for (let round = 1; round <= settings.rounds; round++) {
      const rows: Row[] = []
      let revocation: RevocationResult | undefined
      for (const step of steps) {
        console.error(`round ${round}: ${step}…`)
        await stack.settle() // logins still queued from the previous step would end the seeded sessions
        // Logins end older sessions (MAX_SESSIONS_PER_USER=1), so GET /user gets fresh ones each time.
        const fresh = step === 'user' || step === 'notes' || step === 'revocation'
        const tokens = fresh ? await seedSessions(stack.redisUrl, users) : []
        if (fresh) await checkToken(stack.url, tokens[0] ?? '')
        if (step === 'revocation') revocation = await measureRevocation(stack.url, stack.secondUrl ?? '', tokens)
        else rows.push(...await runStep(stack, step, { users, tokens, naiveTokens }))
      }
      await stack.collectGarbage() // the end-of-round reading is what stays live, not garbage not yet collected
      const rssMb = await stack.serverRssMb()
      const heapMb = await stack.serverHeapMb()
      rounds.push({ rows, rssMb, heapMb, revocation })
      console.log(`end of round ${round}, after a full collection: RSS ${rssMb.toFixed(0)} MB, V8 heap in use ${heapMb.toFixed(1)} MB`)
      console.log(`\nround ${round} of ${settings.rounds}\n${table(rows)}`)
      for (const line of [...ratioLines({ rows, rssMb }), ...exampleLines({ rows, rssMb })]) console.log(line)
      if (revocation !== undefined) console.log(revocationLine(revocation))
    }
  } finally {
    await stack.stop()
  }
  const targets = checkTargets(rounds)
  console.log(`\n${targetLines(targets)}`)
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverageAtEnd: loadavg().map((value) => Number(value.toFixed(2)))
  }
  const results = { date: new Date().toISOString(), command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '), machine, settings, users: USERS, probe: PROBE, rounds, targets }
  await writeFile(join(PROJECT_ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(`\n${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}; wrote bench/results.json`)
  // A run of every scenario (or one with --readme) replaces the README's section for its worker count.
  const writeReadme = flags.readme || steps.length === STEPS.length
  if (writeReadme && await updateReadme(results, settings.workers)) console.log(`updated the ${settings.workers}-worker results in README.md`)
  if (flags.profile) console.log(`CPU profile in ${profileDir}; summarize it with: node dist/bench/profile-summary.js ${profileDir}`)
  if (targets.some((target) => !target.pass)) process.exitCode = 1
}

await main()
