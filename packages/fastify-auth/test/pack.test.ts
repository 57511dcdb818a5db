/*
 * The package as a user gets it: `npm pack` (prepack builds dist/), the tarball installed in a fresh
 * project with its peers, then an ESM script there registers it on Fastify against a real Redis and a real
 * Redis Cluster, and a
 * strict `tsc` checks a TypeScript file against the packed .d.ts. Peers are pinned to the root lockfile's
 * versions and installed --prefer-offline (the npm cache has them after the root's npm ci).
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { redisEnvOf } from '../../../test/support/helper.js'
import { instance, newUser, TARGETS } from './support.js'

const run = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc')

async function lockedVersion (name: string): Promise<string> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> }
  const version = lock.packages[`node_modules/${name}`]?.version
  if (version === undefined) throw new Error(`${name} is not in the root package-lock.json`)
  return version
}

const SCRIPT = `
import Fastify from 'fastify'
import sesameAuth, { FAILURES } from '@sesame/fastify-auth'
const app = Fastify()
await app.register(sesameAuth, process.env.REDIS_CLUSTER_NODES ? { clusterNodes: process.env.REDIS_CLUSTER_NODES } : { redisUrl: process.env.REDIS_URL })
app.get('/me', { preValidation: app.authenticate }, async (request) => ({ id: request.user.id, nickname: request.user.nickname }))
const none = await app.inject({ url: '/me' })
const ok = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + process.env.TOKEN } })
const dead = await app.inject({ url: '/me', headers: { token: process.env.TOKEN.slice(0, -4) + 'AAAA' } })
await app.close()
console.log(JSON.stringify({ failures: Object.keys(FAILURES), replies: [none, ok, dead].map((r) => ({ status: r.statusCode, body: r.json() })) }))
`

const TYPED = `
import Fastify from 'fastify'
import sesameAuth, { type AuthFailure, type SessionUser } from '@sesame/fastify-auth'
const app = Fastify()
await app.register(sesameAuth, {
  clusterNodes: 'a:1,b:2',
  cacheSize: 10,
  onFailure: (failure: AuthFailure, _request, reply) => reply.code(failure.statusCode).send({ reason: failure.error })
})
app.get('/me', { preValidation: app.authenticate }, async (request) => {
  const user: SessionUser | null = request.user
  const phone: string | undefined = user?.phoneNumber
  // @ts-expect-error the packed types say id is a number: this line must be an error, or the types are any
  const wrong: string | undefined = user?.id
  return { phone, wrong }
})
// @ts-expect-error an unknown option is refused by the packed SesameAuthOptions
await app.register(sesameAuth, { redisUrl: 'redis://x', noSuchOption: true })
`

const TSCONFIG = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, include: ['typed.ts'] }

t.test('the packed tarball installs with its peers, works on a real Redis and Redis Cluster and typechecks strictly', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'sesame-pack-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: join(root, 'packages', 'fastify-auth') })
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string, files: Array<{ path: string }> }>
  if (info === undefined) throw new Error('npm pack printed no tarball')
  const files = info.files.map((file) => file.path)
  t.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('README.md'), 'dist, types and README are packed')
  t.notOk(files.some((file) => file.startsWith('src/') || file.startsWith('test/')), 'no source or tests in the tarball')
  t.notOk(files.some((file) => file.endsWith('.map')), 'no source maps pointing at sources that are not there')

  const project = join(work, 'consumer')
  await run('mkdir', [project])
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const peers = await Promise.all(['fastify', 'ioredis', '@types/node'].map(async (name) => `${name}@${await lockedVersion(name)}`))
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, info.filename), ...peers], { cwd: project })

  await writeFile(join(project, 'script.mjs'), SCRIPT)
  for (const target of TARGETS) {
    const sesame = await instance(t, target, 0) // Sesame's own session store issues the session
    const user = { ...newUser(), nickname: 'Pia' }
    const { token } = await sesame.create(user, 'test')
    const env = { ...process.env, ...await redisEnvOf(target === 'cluster' ? 'Redis Cluster' : 'single Redis'), TOKEN: token }
    const out = JSON.parse((await run('node', ['script.mjs'], { cwd: project, env })).stdout) as { failures: string[], replies: Array<{ status: number, body: Record<string, unknown> }> }
    t.same(out.failures, ['token_required', 'token_invalid', 'service_unavailable'])
    t.match(out.replies[0], { status: 401, body: { code: 0, error: 'token_required' } }, `${target}: no token: 401 token_required`)
    t.same(out.replies[1], { status: 200, body: { id: user.id, nickname: 'Pia' } }, `${target}: a session of Sesame's store: 200 with its user`)
    t.match(out.replies[2], { status: 401, body: { code: 2, error: 'token_invalid' } }, `${target}: a forged token: 401 token_invalid`)
  }

  await writeFile(join(project, 'typed.ts'), TYPED)
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG))
  const checked = await run('node', [tsc, '-p', 'tsconfig.json'], { cwd: project }).then(() => '', (err: { stdout?: string }) => err.stdout ?? String(err))
  t.equal(checked, '', 'tsc --strict on typed.ts against the packed .d.ts: no errors')
})
