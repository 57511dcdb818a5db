import t from 'tap'
import { build } from '../support/helper.js'
import { loadConfig } from '../../src/config/env.js'

const ALLOWED = 'https://app.example.com'
const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/login',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, token, authorization' }
})

t.test('a preflight from an allowed origin gets 204 with the methods and the token headers', async (t) => {
  const app = await build(t, { CORS_ORIGINS: `${ALLOWED},https://admin.example.com` })
  const res = await app.inject(preflight(ALLOWED))
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], ALLOWED)
  t.match(res.headers['access-control-allow-methods'], /POST/)
  for (const header of ['content-type', 'token', 'authorization']) t.match(res.headers['access-control-allow-headers'], new RegExp(`\\b${header}\\b`), header)
  t.match(res.headers.vary, /Origin/i)

  const login = await app.inject({ method: 'POST', url: '/login', headers: { origin: ALLOWED }, payload: { phone_number: '+8613800000000', password: 'wrong password' } })
  t.equal(login.headers['access-control-allow-origin'], ALLOWED, 'the real request is readable by the page')
  t.match(login.headers['access-control-expose-headers'], /retry-after/)
})

t.test('another origin gets no Access-Control-Allow-Origin', async (t) => {
  const app = await build(t, { CORS_ORIGINS: ALLOWED })
  const res = await app.inject(preflight('https://evil.example.net'))
  t.notOk(res.headers['access-control-allow-origin'])
  const get = await app.inject({ method: 'GET', url: '/', headers: { origin: 'https://evil.example.net' } })
  t.notOk(get.headers['access-control-allow-origin'])
})

t.test('unset CORS_ORIGINS: no CORS headers, and OPTIONS /login is not served', async (t) => {
  const app = await build(t)
  const res = await app.inject(preflight(ALLOWED))
  t.notOk(res.headers['access-control-allow-origin'])
  t.equal(res.statusCode, 405)
  t.match(res.json(), { code: 0, error: 'method_not_allowed' })
})

t.test('a CORS_ORIGINS that is not a list of origins stops boot naming it', async (t) => {
  t.throws(() => loadConfig({ CORS_ORIGINS: 'app.example.com' }), /CORS_ORIGINS/)
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example.com, https://b.example.com' }), /CORS_ORIGINS/)
  t.equal(loadConfig({ CORS_ORIGINS: 'https://a.example.com,http://127.0.0.1:8080' }).CORS_ORIGINS, 'https://a.example.com,http://127.0.0.1:8080')
})
