import type { AddressInfo } from 'node:net'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { PROJECT_ROOT } from '../src/config/project.js'
import { build, newPhone, PASSWORD } from './support/helper.js'

// Issue 14 item 6: the client as an app gets it. `npm pack` in client/ (its prepack builds), the tarball
// installed in a temporary project with nothing else (no typebox, no server code), then (a) an app's file
// type-checked there with `tsc --strict`, whose @ts-expect-error lines fail if the types were `any`, and
// (b) the ESM build imported by its package name and driven against a real Sesame.
t.setTimeout(300_000)

const CLIENT = join(PROJECT_ROOT, 'client')
const FIXTURES = join(PROJECT_ROOT, 'test/client-package')
const TSC = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc')

function run (command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_prefer_offline: 'true' } })
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` }
}

function mustRun (command: string, args: string[], cwd: string) {
  const result = run(command, args, cwd)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.output}`)
  return result.stdout
}

interface PackResult { filename: string, files: Array<{ path: string }> }

t.test('the packed client installs alone, is strictly typed without typebox, and drives a real Sesame', async (t) => {
  const project = await mkdtemp(join(tmpdir(), 'sesame-client-'))
  t.teardown(() => rm(project, { recursive: true, force: true }))

  // With --json, npm prints only its report on stdout (the prepack build's output goes to stderr).
  const packed = mustRun('npm', ['pack', '--json', '--pack-destination', project], CLIENT)
  const [pack] = JSON.parse(packed) as PackResult[]
  if (pack === undefined) throw new Error(`npm pack reported nothing:\n${packed}`)
  const files = pack.files.map((f) => f.path).sort()
  t.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), 'ESM and declarations at their natural paths', { files })
  t.same(files.filter((f) => !/^(dist\/[\w-]+\.(js|d\.ts)|README\.md|package\.json)$/.test(f)), [], 'nothing else: no sources, no server code')
  const manifest = JSON.parse(await readFile(join(CLIENT, 'package.json'), 'utf8')) as Record<string, unknown>
  t.equal(manifest.private, undefined, 'not private')
  t.equal(manifest.license, 'MIT')
  t.same([manifest.dependencies, manifest.peerDependencies], [undefined, undefined], 'nothing to install with it')

  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'an-app', private: true, type: 'module' }))
  mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, pack.filename)], project)
  t.ok(existsSync(join(project, 'node_modules/@sesame/client/dist/index.js')), 'installed by its name')
  t.notOk(existsSync(join(project, 'node_modules/@sinclair')), 'typebox is not installed')
  t.notOk(existsSync(join(tmpdir(), 'node_modules')), 'and no node_modules above the project could lend it')

  t.test('(a) tsc --strict: every @ts-expect-error is needed, so nothing is `any`', async (t) => {
    await copyFile(join(FIXTURES, 'consumer.ts'), join(project, 'consumer.ts'))
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false },
      files: ['consumer.ts']
    }))
    const checked = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--strict', '--noEmit'], project)
    t.equal(checked.status, 0, `tsc passes: ${checked.output}`)

    // Without the directives the same file must fail at each of those lines: the types really say no.
    const source = await readFile(join(FIXTURES, 'consumer.ts'), 'utf8')
    const expected = source.split('\n').filter((line) => line.includes('@ts-expect-error EXPECT')).length
    await writeFile(join(project, 'consumer.ts'), source.replace(/^\s*\/\/ @ts-expect-error EXPECT.*\n/gm, ''))
    const unchecked = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--strict', '--noEmit'], project)
    t.not(unchecked.status, 0, 'without the directives tsc fails')
    t.equal(unchecked.output.match(/error TS/g)?.length, expected, `one error per directive: ${unchecked.output}`)
  })

  t.test('(b) the ESM build: register, login, GET /user, logout against a real Sesame', async (t) => {
    const app = await build(t)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    await copyFile(join(FIXTURES, 'drive.mjs'), join(project, 'drive.mjs'))
    const phone = newPhone()
    // Asynchronously: the server runs in this process, so a synchronous child would starve it.
    const { stdout: output } = await promisify(execFile)(process.execPath, ['drive.mjs', `http://127.0.0.1:${port}`, phone, PASSWORD], { cwd: project })
    const seen = JSON.parse(output) as Record<string, unknown>
    t.match(seen.register, { code: 1, user: { phone_number: phone } })
    t.match(seen.login, { code: 1, token: String, device_token: String })
    t.equal(seen.storedToken, true, 'login stored the token')
    t.match(seen.user, { code: 1, phone_number: phone })
    t.match(seen.logout, { code: 1 })
    t.equal(seen.tokenAfterLogout, null, 'logout forgot the token')
    t.same(seen.afterLogout, { error: 'token_required', code: 0, status: 401 }, 'and the next call sends none')
  })
})
