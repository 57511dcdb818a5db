import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PROJECT_ROOT } from '../../src/config/project.js'
import { newPhone, PASSWORD, testServices } from '../support/helper.js'

// Issue 14 item 3: the production path of scripts/release.sh, run for real in a temporary folder, as the
// Dockerfile runs it: a build stage (the committed files, with the dev dependencies), then a release folder
// with dist/ and only the production dependencies, where npm start must work without TypeScript.
t.setTimeout(600_000) // tsc plus npm ci --omit=dev (from the npm cache) take minutes on a busy machine

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`)
  return result.stdout
}

t.test('release.sh build, install (--omit=dev), start: /ready is 200, a user registers, SIGTERM exits 0', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'sesame-release-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const build = join(root, 'build')
  const release = join(root, 'release')

  // Build stage: only the committed files (git ls-files), as a fresh clone has them.
  const files = run('git', ['ls-files', '-z'], PROJECT_ROOT).split('\0').filter((file) => file !== '' && existsSync(join(PROJECT_ROOT, file)))
  for (const file of files) {
    await mkdir(dirname(join(build, file)), { recursive: true })
    await copyFile(join(PROJECT_ROOT, file), join(build, file))
  }
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(build, 'node_modules')) // the stage's npm ci
  run(join(build, 'scripts', 'release.sh'), ['build', release], build)
  t.notOk(existsSync(join(release, 'src')), 'the release holds no TypeScript sources')

  // Runtime stage: production dependencies only, from the npm cache.
  run(join(release, 'scripts', 'release.sh'), ['install'], release, { ...process.env, npm_config_prefer_offline: 'true' })
  t.notOk(existsSync(join(release, 'node_modules', 'typescript')), 'no TypeScript installed')
  t.notOk(existsSync(join(release, 'node_modules', 'tap')), 'no dev dependency installed')
  t.notOk(existsSync(join(release, 'node_modules', 'twilio')), 'no twilio SDK')

  const { mysqlUrl, redisUrl } = await testServices()
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    MYSQL_URL: mysqlUrl,
    REDIS_URL: redisUrl,
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
    LOG_LEVEL: 'info'
  }
  // npm start, as a user runs it: its prestart must compile nothing and pass where TypeScript is absent.
  const prestart = spawnSync('npm', ['run', 'prestart'], { cwd: release, env, encoding: 'utf8' })
  t.equal(prestart.status, 0, 'npm start\'s prestart passes without TypeScript')
  t.notMatch(prestart.stdout + prestart.stderr, /tsc: not found|error TS/, 'and compiles nothing')
  // The image's CMD: what npm start runs, with the server as the process, so SIGTERM reaches it.
  const server = spawn(join(release, 'scripts', 'release.sh'), ['start'], { cwd: release, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exit = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { if (server.exitCode === null) server.kill('SIGKILL') })
  const deadline = Date.now() + 60_000
  let base: string | undefined
  while (base === undefined && Date.now() < deadline && server.exitCode === null) {
    base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (base === undefined) throw new Error(`release.sh start did not listen:\n${output}`)

  const check = spawnSync(join(release, 'scripts', 'release.sh'), ['check', base], { cwd: release, encoding: 'utf8' })
  t.equal(check.status, 0, `release.sh check: ${check.stdout}${check.stderr}`)
  const ready = await fetch(`${base}/ready`)
  t.equal(ready.status, 200)
  t.match(await ready.json(), { code: 1, checks: { mysql: 'ok', redis: 'ok' } })
  const registered = await fetch(`${base}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone_number: newPhone(), password: PASSWORD })
  })
  t.equal(registered.status, 201, 'the built server serves a register')

  server.kill('SIGTERM')
  t.equal(await exit, 0, 'SIGTERM: exit 0')
})
