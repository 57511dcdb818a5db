import t from 'tap'
import { build } from '../support/helper.js'

t.test('GET / names the service', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, message: String, name: 'sesame', version: /^\d+\.\d+\.\d+/ })
  t.match(res.headers['content-type'], /^application\/json/)
})

t.test('GET /health answers without checking dependencies', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'ok' })
})

t.test('GET /ready reports both dependencies', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, checks: { mysql: 'ok', redis: 'ok' } })
})

t.test('GET /docs/json is OpenAPI 3 built from the route schemas', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\./)
  const expected: Array<[string, string]> = [
    ['/', 'get'], ['/register', 'post'], ['/login', 'post'], ['/user', 'get'], ['/user', 'patch'],
    ['/user/password', 'post'], ['/logout', 'get'], ['/logout', 'post'], ['/logout/all', 'post'],
    ['/sessions', 'get'], ['/sessions/{id}', 'delete'], ['/health', 'get'], ['/ready', 'get'],
    ['/login/sms', 'post'], ['/user/phone', 'post'], ['/user', 'delete'], ['/user/export', 'get']
  ]
  for (const [path, method] of expected) t.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`)
  t.match(doc.components.securitySchemes, { token: { type: 'apiKey', in: 'header', name: 'token' }, bearer: { type: 'http', scheme: 'bearer' } })
  t.same(doc.paths['/user'].get.security, [{ token: [] }, { bearer: [] }], 'token routes name the security scheme')
  t.same(doc.paths['/login'].post.security, [], 'public routes need no token')
  const phone = doc.paths['/user/phone'].post
  t.same(phone.security, [{ token: [] }, { bearer: [] }])
  t.same(phone.requestBody.content['application/json'].schema.required.sort(), ['new_phone_number', 'password', 'sms_code'])
  t.match(phone.responses['200'].content['application/json'].schema.properties.user, { $ref: '#/components/schemas/User' })
  t.ok(phone.responses['409'] && phone.responses['403'] && phone.responses['400'], 'phone_taken, wrong_password and sms_code_invalid are documented')
  const loginReply = doc.paths['/login'].post.responses['200'].content['application/json'].schema
  t.match(loginReply.required, ['code', 'message', 'nickname', 'token', 'expires_in'])
})

t.test('GET /docs serves the browsable UI', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /swagger-ui/i)
})
