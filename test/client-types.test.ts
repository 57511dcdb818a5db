import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { DRIFTS } from './support/client-drifts.js'

// Proves that the client's wire types follow the server's schemas. The client writes them as plain TypeScript
// (client/src/types.ts: the package needs no typebox); test/types/client-wire.ts pins each one to the
// Static<> of its schema. Both, with the app-level contract of test/types/client-contract.ts, are compiled
// with the client's compiler options, once as they are and once per deliberate change to a schema module,
// held in memory. Each change must break client-wire.ts at the types it touches. If the check ever stops
// comparing a type (a loosened `Same`, an `any` in the client), that change compiles and this fails.

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const CONTRACT = join(ROOT, 'test/types/client-contract.ts')
const WIRE = join(ROOT, 'test/types/client-wire.ts')
const CLIENT_SRC = join(ROOT, 'client/src')

const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'client/tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')) }
})
if (config === undefined) throw new Error('client/tsconfig.json could not be read')
// rootDir: the checks live outside client/src, which the client's own build is limited to.
const options: ts.CompilerOptions = { ...config.options, noEmit: true, rootDir: ROOT }
const rootNames = [...config.fileNames, CONTRACT, WIRE]

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
    const broken = errors.filter((e) => e.file === 'test/types/client-wire.ts').map((e) => e.line)
    for (const needle of drift.at) {
      t.ok(broken.some((line) => line.includes(needle)), `client-wire.ts no longer compiles at ${needle}`, { errors })
    }
    // The client itself never sees the schemas: it must still build, so an app is never broken by a server refactor alone.
    t.same(errors.filter((e) => e.file.startsWith('client/')), [], 'the client itself still builds')
  })
}

t.test('the client imports nothing outside itself, not even types (the published declarations stand alone)', async (t) => {
  for (const name of readdirSync(CLIENT_SRC).filter((f) => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(name, readFileSync(join(CLIENT_SRC, name), 'utf8'), ts.ScriptTarget.ES2022)
    const specs = source.statements.flatMap((s) =>
      (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier !== undefined && ts.isStringLiteral(s.moduleSpecifier)
        ? [s.moduleSpecifier.text]
        : [])
    t.same(specs.filter((spec) => !/^\.\/[\w-]+\.js$/.test(spec)), [], `${name} imports only client files`)
  }
})
