import { mkdir, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import openapiTS, { astToString } from 'openapi-typescript'
import { PROJECT_ROOT } from '../src/config/project.js'
import { build, newPhone, PASSWORD } from './support/helper.js'

// What a team generating its client from /docs/json gets (issue 14 item 5): openapi-typescript turns the document
// into types, openapi-fetch calls the API with them. The flow below is typechecked strictly (so the types are
// real, not Record<string, never>) and then run against a real server.

const FLOW = `
import createClient from 'openapi-fetch'
import type { paths, components } from './schema.js'

type User = components['schemas']['User']
type ErrorName = components['schemas']['ErrorName']

export async function flow (baseUrl: string, phone: string, password: string) {
  const client = createClient<paths>({ baseUrl })
  const registered = await client.POST('/register', { body: { phone_number: phone, password, nickname: 'Gen' } })
  if (registered.data === undefined) throw new Error('register failed: ' + registered.response.status + ' ' + JSON.stringify(registered.error))
  const user: User = registered.data.user
  const id: number = user.id
  // @ts-expect-error the id is a number, so the types are real
  const wrong: string = user.id

  const login = await client.POST('/login', { body: { phone_number: phone, password } })
  if (login.data === undefined) throw new Error('login failed')
  const token: string = login.data.token
  // @ts-expect-error login needs a password
  await client.POST('/login', { body: { phone_number: phone } })

  const headers = { authorization: 'Bearer ' + token }
  const me = await client.GET('/user', { headers })
  if (me.data === undefined) throw new Error('GET /user failed')
  const nickname: string | null | undefined = me.data.nickname

  const wrongPassword = await client.POST('/login', { body: { phone_number: phone, password: password + 'x' } })
  const error: ErrorName | undefined = wrongPassword.error?.error
  const code: 0 | 2 | undefined = wrongPassword.error?.code

  const logout = await client.POST('/logout', { headers })
  const after = await client.GET('/user', { headers })
  const afterError: ErrorName | undefined = after.error?.error
  return { id, wrong, token, nickname, error, code, logout: logout.data?.code, after: after.response.status, afterError }
}
`

t.test('a client generated from /docs/json registers, logs in, reads the user and logs out', async (t) => {
  // tsc runs in this process just before: its event-loop stall must not trip load shedding.
  const app = await build(t, { MAX_EVENT_LOOP_DELAY_MS: '0' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  const document = await (await fetch(`${baseUrl}/docs/json`)).json() as unknown

  // Inside node_modules so that the generated code resolves openapi-fetch like an app's would.
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', `sesame-generated-${process.pid}`)
  await mkdir(dir, { recursive: true })
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const schema = astToString(await openapiTS(JSON.stringify(document)))
  t.notMatch(schema, /responses: \{\s*200: \{\s*headers: \{[^}]*\};\s*content\?: never/, 'the replies have content')
  await writeFile(join(dir, 'schema.ts'), schema)
  await writeFile(join(dir, 'flow.ts'), FLOW)

  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], types: []
  }
  const program = ts.createProgram([join(dir, 'flow.ts')], options)
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))
  t.same(errors, [], 'the generated types typecheck the flow strictly, and each @ts-expect-error is needed')

  await writeFile(join(dir, 'flow.mjs'), ts.transpileModule(FLOW, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText.replace("'./schema.js'", "'./schema.mjs'"))
  const { flow } = await import(pathToFileURL(join(dir, 'flow.mjs')).href) as { flow: (b: string, p: string, pw: string) => Promise<Record<string, unknown>> }
  const phone = newPhone()
  const result = await flow(baseUrl, phone, PASSWORD)
  t.match(result, { id: Number, token: String, nickname: 'Gen', error: 'invalid_credentials', code: 0, logout: 1, after: 401, afterError: 'token_invalid' })
})
