import t, { type Test } from 'tap'
import { build } from './support/helper.js'
import { ERRORS, type ErrorName } from '../src/http/errors.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../src/config/project.js'
import { contactOf, type PackageLinks } from '../src/config/contact.js'

// The OpenAPI document as code generators read it (issue 14 item 5); redocly's lint is npm run lint:openapi.

interface Operation {
  operationId?: string
  security?: unknown[]
  responses: Record<string, { headers?: Record<string, unknown>, content?: { 'application/json': { schema: Schema } } }>
}
interface Schema { allOf?: Schema[], anyOf?: Schema[], properties?: Record<string, Schema>, enum?: unknown[], type?: string, $ref?: string }

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

async function loadDocument (t: Test) {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const doc = res.json() as { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, Schema> }, servers?: unknown[], info: Record<string, unknown> }
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })))
  return { doc, operations, text: res.body }
}

/** The `error` enum a failure response narrows to. */
const errorsOf = (schema: Schema | undefined): unknown[] => schema?.allOf?.[1]?.properties?.error?.enum ?? []

t.test('every operation has its own camelCase operationId', async (t) => {
  const { operations } = await loadDocument(t)
  t.ok(operations.length > 20, 'the routes are there')
  const seen = new Map<string, string>()
  for (const { name, op } of operations) {
    t.match(op.operationId, /^[a-z][a-zA-Z0-9]*$/, `${name} has a camelCase operationId`)
    if (op.operationId === undefined) continue
    t.notOk(seen.has(op.operationId), `${name}: operationId ${op.operationId} is not also ${seen.get(op.operationId) ?? ''}`)
    seen.set(op.operationId, name)
  }
  t.equal(seen.get('login'), 'POST /login')
  t.equal(seen.get('getUser'), 'GET /user')
  t.equal(seen.get('logoutAll'), 'POST /logout/all')
})

t.test('User, Session, Failure and ErrorName are components, and Failure is defined once', async (t) => {
  const { doc, text } = await loadDocument(t)
  for (const name of ['User', 'Session', 'Failure', 'ErrorName']) t.ok(doc.components.schemas[name], `${name} is a component`)
  t.same(doc.components.schemas.ErrorName?.enum, Object.keys(ERRORS), 'ErrorName is the error table, as a plain enum')
  t.equal(text.split('"title":"Failure"').length - 1, 1, 'Failure is written once')
  t.match(text, /"\$ref":"#\/components\/schemas\/User"/)
  t.match(text, /"\$ref":"#\/components\/schemas\/Session"/)
})

t.test('enums are plain enums and every code is an integer', async (t) => {
  const { text } = await loadDocument(t)
  const doc = JSON.parse(text) as unknown
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${at}/${i}`)); return }
    if (node === null || typeof node !== 'object') return
    const schema = node as Schema & Record<string, unknown>
    if (Array.isArray(schema.anyOf)) t.notOk(schema.anyOf.every((s) => s.enum?.length === 1), `${at}: no anyOf of single values`)
    const code = schema.properties?.code
    const envelope = schema.properties?.message !== undefined || schema.properties?.error !== undefined // not the TOTP `code` of a request body
    if (code !== undefined && envelope && code.$ref === undefined) t.equal(code.type, 'integer', `${at}: code is an integer`)
    for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`)
  }
  walk(doc, '#')
})

t.test('each route lists only the errors it can answer, at the table status, with Retry-After on 429', async (t) => {
  const { doc, operations } = await loadDocument(t)
  for (const { name, op } of operations) {
    t.notOk(op.responses['4XX'] ?? op.responses['5XX'], `${name}: no 4XX/5XX ranges`)
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue
      const errors = errorsOf(response.content?.['application/json'].schema) as ErrorName[]
      t.ok(errors.length > 0, `${name} ${status} names its errors`)
      for (const error of errors) t.equal(ERRORS[error].status, Number(status), `${name}: ${error} is at its table status`)
      if (status === '429') t.ok(response.headers?.['Retry-After'], `${name}: 429 documents Retry-After`)
    }
  }
  const errors = (path: string, method: string) => Object.values(doc.paths[path]?.[method]?.responses ?? {}).flatMap((r) => errorsOf(r.content?.['application/json'].schema))
  t.same(errors('/health', 'get'), ['validation_failed', 'internal_error', 'service_unavailable'], '/health: no phone_taken or token errors')
  t.ok(errors('/register', 'post').includes('phone_taken'))
  t.notOk(errors('/login', 'post').includes('phone_taken'), '/login never says phone_taken')
  t.ok(errors('/user', 'get').includes('token_invalid'))
  t.notOk(errors('/register', 'post').includes('token_required'), 'public routes need no token')
  t.ok(doc.paths['/login']?.post?.responses['503']?.headers?.['Retry-After'], 'load shedding: 503 with Retry-After')
  t.notOk(doc.paths['/ready']?.get?.responses['503']?.headers, '/ready is always served: its 503 sets no Retry-After')
})

t.test('security, servers, license and contact', async (t) => {
  const { doc } = await loadDocument(t)
  t.same(doc.paths['/login']?.post?.security, [], 'public routes: security []')
  t.same(doc.paths['/health']?.get?.security, [])
  t.same(doc.paths['/user']?.get?.security, [{ token: [] }, { bearer: [] }])
  t.ok(Array.isArray(doc.servers) && doc.servers.length > 0, 'servers')
  t.match(doc.info, { license: { name: 'MIT' }, contact: { name: String } })
  // Real: what package.json says (bugs, or the repository's issues), never a made-up address.
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageLinks
  t.same(doc.info.contact, contactOf(pkg), 'the contact comes from package.json')
  t.notMatch(JSON.stringify(doc.info.contact), /\.local\b|example\.(com|org)|localhost/, 'no placeholder address')
})
