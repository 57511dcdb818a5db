// The precomputed security headers (plugins/security-headers.ts): what a JSON API needs on every reply,
// a content security policy only on the HTML of /docs, and no helmet leftovers.
import t from 'tap'
import { build, newPhone, PASSWORD } from './support/helper.js'

const API = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store'
}

t.test('every JSON reply carries nosniff, DENY framing, HSTS and no-store, and no content security policy', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  const register = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: PASSWORD } })
  const login = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })
  const token = (login.json() as { token: string }).token
  const replies = {
    'POST /register': register,
    'POST /login': login,
    'GET /user': await app.inject({ method: 'GET', url: '/user', headers: { token } }),
    'GET /user, no token': await app.inject({ method: 'GET', url: '/user' }),
    'GET /': await app.inject({ method: 'GET', url: '/' }),
    'GET /nope': await app.inject({ method: 'GET', url: '/nope' }),
    'bad percent-encoding': await app.inject({ method: 'GET', url: '/%zz' })
  }
  for (const [what, res] of Object.entries(replies)) {
    t.match(res.headers, API, what)
    t.match(res.headers['strict-transport-security'], /^max-age=\d{8,}/, `${what}: HSTS`)
    t.notOk(res.headers['content-security-policy'], `${what}: no CSP on JSON`)
    t.notOk(res.headers['x-powered-by'], `${what}: no x-powered-by`)
  }
})

t.test('/docs is the one HTML page: a content security policy that forbids framing and plugins', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/)
  t.match(res.headers['content-security-policy'], /object-src 'none'/)
  t.match(res.headers['content-security-policy'], /script-src 'self'/)
  t.equal(res.headers['x-content-type-options'], 'nosniff')
})
