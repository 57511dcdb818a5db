// Shared pieces of the hostile-input property tests (test/hostile-*.test.ts).
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { Test } from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { RowDataPacket } from 'mysql2'
import type { App } from '../../src/app.js'
import { ERROR_NAMES, type ErrorName } from '../../src/schemas/envelope.js'

/** Reproduce a failure with FC_SEED=<seed from the report>; the default keeps CI deterministic. */
export const SEED = process.env.FC_SEED === undefined ? 20261125 : Number(process.env.FC_SEED)

/** Runs scale with FC_RUNS_FACTOR (e.g. 10 for a long local hunt); the defaults keep each file well under a minute. */
const FACTOR = Number(process.env.FC_RUNS_FACTOR ?? '1')

export const JSON_HEADERS = { 'content-type': 'application/json' }
export const BODY_LIMIT = 16 * 1024

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  auth: boolean
  /** Body fields and a valid value for each; absent when the route takes no body. */
  fields?: Record<string, string>
}

export const ROUTES: RouteSpec[] = [
  { method: 'GET', url: '/', auth: false },
  { method: 'GET', url: '/health', auth: false },
  { method: 'GET', url: '/ready', auth: false },
  { method: 'POST', url: '/register', auth: false, fields: { phone_number: '+15550000001', password: 'correct horse battery', nickname: 'Mia' } },
  { method: 'POST', url: '/login', auth: false, fields: { phone_number: '+15550000001', password: 'correct horse battery' } },
  { method: 'GET', url: '/user', auth: true },
  { method: 'PATCH', url: '/user', auth: true, fields: { nickname: 'Mia' } },
  // The old password is never the real one, so a request that gets through validation still changes nothing.
  { method: 'POST', url: '/user/password', auth: true, fields: { old_password: 'not the password', new_password: 'another good password' } },
  { method: 'GET', url: '/logout', auth: true },
  { method: 'POST', url: '/logout', auth: true },
  { method: 'POST', url: '/logout/all', auth: true },
  { method: 'GET', url: '/sessions', auth: true },
  { method: 'DELETE', url: '/sessions/not-a-session', auth: true },
  { method: 'POST', url: '/sms/code', auth: false, fields: { phone_number: '+15550000002', purpose: 'register' } },
  // No code was ever sent for this number, so a request that gets through validation still changes nothing.
  { method: 'POST', url: '/password/reset', auth: false, fields: { phone_number: '+15550000003', sms_code: '123456', new_password: 'another good password' } }
]

export const BODY_ROUTES = ROUTES.filter((route) => route.fields !== undefined)
export const AUTH_ROUTES = ROUTES.filter((route) => route.auth)

const STATUS_OF: Record<ErrorName, number> = {
  validation_failed: 400,
  invalid_json: 400,
  sms_code_invalid: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  invalid_credentials: 401,
  token_required: 401,
  token_invalid: 401,
  wrong_password: 403,
  phone_taken: 409,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
  request_timeout: 408,
  password_too_common: 400,
  sms_not_allowed: 400,
  challenge_failed: 400,
  second_factor_required: 401,
  second_factor_invalid: 401,
  account_banned: 403,
  service_key_invalid: 401
}

const isErrorName = (value: unknown): value is ErrorName => (ERROR_NAMES as readonly unknown[]).includes(value)

/** Never a 5xx; always JSON; a failure is exactly `{code, error, message}` with the status its `error` implies. */
export function assertEnvelope (res: LightMyRequestResponse): Record<string, unknown> {
  const what = `${res.statusCode} ${res.body.slice(0, 300)}`
  assert.ok(res.statusCode < 500, `no 5xx: ${what}`)
  assert.match(String(res.headers['content-type']), /^application\/json/, `JSON reply: ${what}`)
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `security headers on every reply: ${what}`)
  const body = JSON.parse(res.body) as Record<string, unknown>
  if (res.statusCode < 400) {
    assert.equal(body.code, 1, `success has code 1: ${what}`)
    return body
  }
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message'], `only the envelope keys: ${what}`)
  assert.ok(isErrorName(body.error), `error from the spec's list: ${what}`)
  assert.equal(body.code, body.error === 'token_invalid' ? 2 : 0, `code matches error: ${what}`)
  assert.equal(res.statusCode, STATUS_OF[body.error], `status matches error: ${what}`)
  assert.equal(typeof body.message, 'string')
  return body
}

/** Per-IP attempt counters and failed-login counters are meant to change on a rejected request. */
const COUNTER_KEY = /^sesame:ip-attempts:|:login-budget$/

/** Every row of `user` and every Redis key and value except the counters, in a comparable form. */
export async function snapshot (app: App) {
  const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT * FROM user ORDER BY id')
  const keys = (await app.redis.keys('*')).filter((key) => !COUNTER_KEY.test(key)).sort()
  const types = await Promise.all(keys.map((key) => app.redis.type(key)))
  const values = await Promise.all(keys.map(async (key, i) => {
    switch (types[i]) {
      case 'string': return await app.redis.get(key)
      case 'hash': return await app.redis.hgetall(key)
      case 'zset': return await app.redis.zrange(key, '0', '-1', 'WITHSCORES')
      case 'set': return (await app.redis.smembers(key)).sort()
      case 'list': return await app.redis.lrange(key, 0, -1)
      default: return `<${types[i] ?? 'unknown'}>`
    }
  }))
  return { users: JSON.stringify(rows), redis: Object.fromEntries(keys.map((key, i) => [key, values[i]])) }
}

export type Snapshot = Awaited<ReturnType<typeof snapshot>>

/**
 * Sends requests and holds the line: every reply is the envelope, and a rejected request (4xx) leaves
 * MySQL and Redis exactly as they were after the previous request. A success may change them.
 */
export class Guard {
  private baseline: Snapshot | undefined
  constructor (private readonly app: App) {}

  async send (request: InjectOptions): Promise<{ res: LightMyRequestResponse, body: Record<string, unknown> }> {
    const before = this.baseline ?? await snapshot(this.app)
    const res = await this.app.inject(request)
    // Take the new baseline before asserting, so that shrinking after a failure compares with the right state.
    const after = this.baseline = await snapshot(this.app)
    const body = assertEnvelope(res)
    if (res.statusCode >= 400) assert.deepEqual(after, before, `a rejected request (${res.statusCode} ${String(body.error)}) changed MySQL or Redis`)
    return { res, body }
  }

  /** Call after changing data outside `send`. */
  forget () { this.baseline = undefined }
}

/** One tap assertion per property; on failure the report carries fast-check's seed, path and counterexample. */
export async function property<T> (t: Test, name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, numRuns: number) {
  const started = Date.now()
  const runs = Math.max(1, Math.round(numRuns * FACTOR))
  try {
    await fc.assert(fc.asyncProperty(arbitrary, predicate), {
      seed: SEED,
      numRuns: runs,
      interruptAfterTimeLimit: 30_000 * FACTOR,
      markInterruptAsFailure: false
    })
    t.pass(`${name} (${runs} runs, ${Date.now() - started} ms, seed ${SEED})`)
  } catch (err) {
    const { message, cause } = err as Error
    t.fail(name, { diagnostic: true, seed: SEED, failure: message.slice(0, 1500), error: cause instanceof Error ? cause.message.slice(0, 2000) : String(cause) })
  }
}

/** Authenticated requests send the token in one of the two headers the spec allows. */
export const tokenHeaders = (token: string, bearer: boolean) => bearer ? { authorization: `Bearer ${token}` } : { token }

// ---- generators ----

export const SQL_PAYLOADS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  "'; DROP TABLE user; --",
  "'); DROP TABLE user; --",
  '; DROP TABLE user',
  "1' UNION SELECT password_hash FROM user --",
  "admin'/*",
  '\\',
  "\\'",
  '%',
  '_',
  '`',
  "' AND SLEEP(5) --",
  '0x27',
  "Robert'); DROP TABLE user;--"
]

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit))
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code))

/** Strings an attacker or a broken client might send: SQL, NUL and control bytes, lone surrogates, any Unicode. */
export const hostileString = fc.oneof(
  fc.constantFrom(...SQL_PAYLOADS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', "'", '"', '\\', ';', '-', ' '), controlChar, loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 }),
  fc.tuple(fc.constantFrom(...SQL_PAYLOADS), fc.constantFrom('\u0000', '\ud800', '\udfff', '\uffff', '\u202e', '')).map(([sql, extra]) => sql + extra + sql),
  fc.integer({ min: 1, max: 4000 }).map((n) => 'x'.repeat(n))
)

/** Valid JSON of the wrong type for a string field. NaN and Infinity are left out: they serialize as null. */
export const wrongType = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constant(['+15550000001']),
  fc.constant({ toString: 'x' })
)

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted', 'toString', 'valueOf', 'hasOwnProperty', 'phone_number', 'password', 'nickname']

/** JSON text (not a value: `__proto__` keys must reach the parser) whose objects use prototype-related and duplicate keys. */
export const protoJsonText: fc.Arbitrary<string> = fc.letrec<{ text: string, object: string, array: string, leaf: string }>((tie) => ({
  text: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('object'), tie('array')),
  leaf: fc.jsonValue({ maxDepth: 0 }).map((value) => JSON.stringify(value)),
  object: fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS), tie('text')), { maxLength: 4 })
    .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  array: fc.array(tie('text'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`)
})).text

/** Nesting from 1 level to well past the body limit, of arrays or objects, as the whole body or inside a field. */
export const deepJson = fc.record({
  depth: fc.integer({ min: 1, max: 10_000 }),
  kind: fc.constantFrom('array', 'object'),
  core: fc.constantFrom('1', '"x"', 'null', '{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}'),
  placement: fc.constantFrom('body', 'field', 'unknown field')
})

export type DeepJson = typeof deepJson extends fc.Arbitrary<infer T> ? T : never

export function deepText ({ depth, kind, core }: DeepJson): string {
  return kind === 'array' ? '['.repeat(depth) + core + ']'.repeat(depth) : '{"a":'.repeat(depth) + core + '}'.repeat(depth)
}
