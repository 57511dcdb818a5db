import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

// Proves that the client's types follow the server's schemas: the client (and the type-level contract in
// test/types/client-contract.ts) is compiled as `tsc -p client` would, once as it is and once per deliberate
// change to a schema module, held in memory. Each change must break the build. If the client ever stops
// deriving a type from the schema (a hand-copied interface, an `any`), that change compiles and this fails.

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const CONTRACT = join(ROOT, 'test/types/client-contract.ts')
const CLIENT_SRC = join(ROOT, 'client/src')

const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'client/tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')) }
})
if (config === undefined) throw new Error('client/tsconfig.json could not be read')
const options: ts.CompilerOptions = { ...config.options, noEmit: true }
const rootNames = [...config.fileNames, CONTRACT]

const host = ts.createCompilerHost(options)
const cache = new Map<string, ts.SourceFile | undefined>()
let overrides = new Map<string, string>()
const readSourceFile = host.getSourceFile.bind(host)
host.getSourceFile = (fileName, languageVersion, onError) => {
  const changed = overrides.get(resolve(fileName))
  if (changed !== undefined) return ts.createSourceFile(fileName, changed, languageVersion, true)
  if (!cache.has(fileName)) cache.set(fileName, readSourceFile(fileName, languageVersion, onError))
  return cache.get(fileName)
}

let previous: ts.Program | undefined
/** Type errors of the client build with `changes` (absolute path → new text) applied. */
function compile (changes: Map<string, string> = new Map()) {
  overrides = changes
  previous = ts.createProgram({ rootNames, options, host, oldProgram: previous })
  return ts.getPreEmitDiagnostics(previous).map((d) => {
    const line = d.file === undefined || d.start === undefined ? '' : lineAt(d.file, d.start)
    return {
      file: d.file === undefined ? '' : d.file.fileName.slice(ROOT.length + 1),
      line,
      text: ts.flattenDiagnosticMessageText(d.messageText, ' ')
    }
  })
}

function lineAt (file: ts.SourceFile, position: number) {
  const { line } = file.getLineAndCharacterOfPosition(position)
  return file.text.split('\n')[line]?.trim() ?? ''
}

interface Drift {
  name: string
  file: string
  from: string | RegExp
  to: string
  breaks: 'client/src/client.ts' | 'test/types/client-contract.ts'
  /** Each of these must appear on a line that no longer compiles: the types that must follow the change. */
  at: string[]
}

const DRIFTS: Drift[] = [
  {
    name: 'the login reply renames token',
    file: 'src/schemas/accounts.ts',
    from: /^ {2}token: Type\.String\(/m,
    to: '  access_token: Type.String(',
    breaks: 'client/src/client.ts', // login() stores reply.token: the client itself no longer builds
    at: ['reply.token']
  },
  {
    name: 'user ids become strings',
    file: 'src/schemas/common.ts',
    from: 'UserId = Type.Integer(',
    to: 'UserId = Type.String(',
    breaks: 'test/types/client-contract.ts',
    at: ['<RegisterReply', '<UserReply', '<UpdateUserReply', '@ts-expect-error the user id']
  },
  {
    name: 'register needs a new field',
    file: 'src/schemas/accounts.ts',
    from: 'password: Password(passwordMinLength),\n  nickname:',
    to: 'password: Password(passwordMinLength),\n  country: Type.String(),\n  nickname:',
    breaks: 'test/types/client-contract.ts',
    at: ['<RegisterInput', 'client.register(']
  },
  {
    name: 'sessions lose current',
    file: 'src/schemas/accounts.ts',
    from: /,\s*current: Type\.Boolean\([^)]*\)/,
    to: '',
    breaks: 'test/types/client-contract.ts',
    at: ['<SessionsReply']
  },
  {
    name: 'an error name disappears',
    file: 'src/http/errors.ts',
    from: "  phone_taken: { status: 409, code: 0, message: 'this phone number is already registered' },\n",
    to: '',
    breaks: 'test/types/client-contract.ts',
    at: ['<ErrorName']
  },
  {
    name: 'an SMS purpose is added',
    file: 'src/schemas/sms.ts',
    from: "'change_phone', 'delete_account'",
    to: "'change_phone', 'delete_account', 'signup'",
    breaks: 'test/types/client-contract.ts',
    at: ['<SmsCodeInput', '@ts-expect-error purpose']
  },
  {
    name: 'the nickname body changes type',
    file: 'src/schemas/accounts.ts',
    from: 'nickname: Type.Optional(Nickname)\n})',
    to: 'nickname: Type.Number()\n})',
    breaks: 'test/types/client-contract.ts',
    at: ['<UpdateUserInput', '@ts-expect-error a nickname']
  }
]

t.test('the client builds as it is', async (t) => {
  t.same(compile(), [], 'no type errors with the real schemas')
})

for (const drift of DRIFTS) {
  t.test(`a schema change breaks the client build: ${drift.name}`, async (t) => {
    const path = join(ROOT, drift.file)
    const original = readFileSync(path, 'utf8')
    const changed = original.replace(drift.from, drift.to)
    // If the schema module was refactored so the change no longer applies, update the change: never pass silently.
    t.not(changed, original, `the change applies to ${drift.file}`)
    const errors = compile(new Map([[path, changed]]))
    const broken = errors.filter((e) => e.file === drift.breaks).map((e) => e.line)
    for (const needle of drift.at) {
      t.ok(broken.some((line) => line.includes(needle)), `${drift.breaks} no longer compiles at ${needle}`, { errors })
    }
  })
}

t.test('the client has no runtime import of server code', async (t) => {
  for (const name of readdirSync(CLIENT_SRC).filter((f) => f.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(join(CLIENT_SRC, name), 'utf8'), { compilerOptions: options }).outputText
    const imports = [...js.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1])
    t.same(imports.filter((spec) => spec === undefined || !spec.startsWith('./')), [], `${name} imports only client files at run time`)
  }
})
