// npm run lint:openapi (part of npm test): the OpenAPI document of the built app (dist/, `npm run build`),
// linted by @redocly/cli with its recommended rules (redocly.yaml). Fails on any problem, warnings included.
// The app needs MySQL and Redis to boot, so it runs on private throwaway ones, like the tests.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const { buildApp } = await import('../dist/src/app.js')
const { loadConfig } = await import('../dist/src/config/env.js')
const { ensureServerBinaries, startMariaDb, startRedis } = await import('../dist/src/dev/local-services.js')

const dir = await mkdtemp(join(tmpdir(), 'sesame-openapi-'))
const document = join(dir, 'openapi.json')
try {
  ensureServerBinaries()
  const servers = await Promise.allSettled([startMariaDb({ dataDir: join(dir, 'mariadb') }), startRedis({ dataDir: join(dir, 'redis') })])
  try {
    const [mariadb, redis] = servers.map((s) => { if (s.status === 'rejected') throw s.reason; return s.value })
    const app = await buildApp({ logger: false }, loadConfig({ MYSQL_URL: mariadb.url, REDIS_URL: redis.url, LOG_LEVEL: 'silent' }))
    try {
      const res = await app.inject({ method: 'GET', url: '/docs/json' })
      if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`)
      await writeFile(document, res.body)
    } finally {
      await app.close()
    }
  } finally {
    await Promise.all(servers.flatMap((s) => s.status === 'fulfilled' ? [s.value.stop()] : []))
  }

  // No telemetry or update check: the only network here is the package registry.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }
  const redocly = (...args) => spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', '--config', join(root, 'redocly.yaml'), document, ...args], { env, encoding: 'utf8' })
  const shown = redocly()
  process.stdout.write(shown.stdout)
  process.stderr.write(shown.stderr)
  // Warnings do not change redocly's exit code, so count every problem from its JSON report.
  const report = JSON.parse(redocly('--format=json').stdout)
  const problems = report.problems ?? []
  console.log(`openapi lint: ${problems.filter((p) => p.severity === 'error').length} errors, ${problems.filter((p) => p.severity !== 'error').length} warnings`)
  if (shown.status !== 0 || problems.length > 0) process.exitCode = 1
} finally {
  await rm(dir, { recursive: true, force: true })
}
