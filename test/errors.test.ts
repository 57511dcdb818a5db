import t from 'tap'
import type { InjectOptions } from 'fastify'
import { build } from './support/helper.js'

const FAILURE_KEYS = ['code', 'error', 'message']

t.test('every kind of failure is the JSON envelope with the right status', async (t) => {
  const app = await build(t)
  app.get('/test/crash', async () => { throw new Error("ER_PARSE_ERROR near 'SELECT password_hash FROM user' at /srv/app/src/x.ts:1") })
  const cases: Array<{ name: string, request: InjectOptions, status: number, error: string }> = [
    { name: 'unknown path', request: { method: 'GET', url: '/no/such/route' }, status: 404, error: 'not_found' },
    { name: 'unknown path with POST', request: { method: 'POST', url: '/nope', payload: {} }, status: 404, error: 'not_found' },
    { name: 'wrong method on a route', request: { method: 'DELETE', url: '/login' }, status: 405, error: 'method_not_allowed' },
    { name: 'wrong method on a parametric route', request: { method: 'GET', url: '/sessions/abc' }, status: 405, error: 'method_not_allowed' },
    { name: 'validation', request: { method: 'POST', url: '/login', payload: { phone_number: 123 } }, status: 400, error: 'validation_failed' },
    { name: 'broken JSON', request: { method: 'POST', url: '/login', payload: '{"phone_number":', headers: { 'content-type': 'application/json' } }, status: 400, error: 'invalid_json' },
    { name: 'empty JSON body', request: { method: 'POST', url: '/login', payload: '', headers: { 'content-type': 'application/json' } }, status: 400, error: 'invalid_json' },
    { name: 'too large', request: { method: 'POST', url: '/register', payload: JSON.stringify({ phone_number: '+15550000', password: 'x'.repeat(17 * 1024) }), headers: { 'content-type': 'application/json' } }, status: 413, error: 'payload_too_large' },
    { name: 'wrong content type', request: { method: 'POST', url: '/login', payload: 'phone_number=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, error: 'unsupported_media_type' },
    { name: 'text body', request: { method: 'POST', url: '/register', payload: 'hello', headers: { 'content-type': 'text/plain' } }, status: 415, error: 'unsupported_media_type' },
    { name: 'unexpected error', request: { method: 'GET', url: '/test/crash' }, status: 500, error: 'internal_error' }
  ]
  for (const c of cases) {
    const res = await app.inject(c.request)
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    t.match(res.headers['content-type'], /^application\/json/, `${c.name}: JSON`)
    const body = res.json()
    t.same(Object.keys(body).sort(), FAILURE_KEYS, `${c.name}: only the envelope keys`)
    t.equal(body.code, 0, `${c.name}: code 0`)
    t.equal(body.error, c.error, `${c.name}: error name`)
    t.type(body.message, 'string')
  }
})

t.test('a 500 leaks no SQL, stack trace or internal path', async (t) => {
  const app = await build(t)
  app.get('/test/crash', async () => { throw new Error("ER_PARSE_ERROR near 'SELECT password_hash FROM user' at /srv/app/src/x.ts:1") })
  const res = await app.inject({ method: 'GET', url: '/test/crash' })
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, /SELECT|password_hash|\/srv\/|\.ts:|at /)
  t.same(res.json(), { code: 0, error: 'internal_error', message: 'internal server error' })
})

t.test('405 names the allowed methods', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'PUT', url: '/user' })
  t.equal(res.statusCode, 405)
  t.match(res.headers.allow, /GET/)
  t.match(res.headers.allow, /PATCH/)
})

t.test('types are never coerced', async (t) => {
  const app = await build(t)
  for (const payload of [
    { phone_number: 15550001234, password: 'password123' },
    { phone_number: ['+15550001234'], password: 'password123' },
    { phone_number: '+15550001234', password: 12345678 },
    { phone_number: '+15550001234', password: true },
    { phone_number: '+15550001234', password: 'password123', nickname: 42 }
  ]) {
    const res = await app.inject({ method: 'POST', url: '/register', payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().error, 'validation_failed')
  }
})

t.test('every token route answers 401 for a missing or bad token before it validates the body', async (t) => {
  const app = await build(t)
  const routes: Array<[InjectOptions['method'], string]> = [
    ['GET', '/user'], ['PATCH', '/user'], ['POST', '/user/password'], ['GET', '/logout'], ['POST', '/logout'],
    ['POST', '/logout/all'], ['GET', '/sessions'], ['DELETE', '/sessions/abc']
  ]
  for (const [method, url] of routes) {
    for (const payload of [undefined, { nickname: 42 }, { old_password: [] }]) {
      const headers = {}
      const missing = await app.inject({ method, url, payload, headers })
      t.equal(missing.statusCode, 401, `${method} ${url} without a token`)
      t.match(missing.json(), { code: 0, error: 'token_required' })
      const bad = await app.inject({ method, url, payload, headers: { ...headers, token: 'not-a-token' } })
      t.equal(bad.statusCode, 401, `${method} ${url} with a bad token`)
      t.match(bad.json(), { code: 2, error: 'token_invalid' })
    }
  }
})
