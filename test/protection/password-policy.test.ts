import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { build, loggedInUser, newPhone, PASSWORD, registerUser, type Teardown } from '../support/helper.js'
import { buildWithGateway, codeFor } from '../support/sms-helper.js'
import { commonPasswordCount } from '../../src/protection/common-passwords.js'
import type { App } from '../../src/app.js'

const register = (app: App, password: string) =>
  app.inject({ method: 'POST', url: '/register', payload: { phone_number: newPhone(), password } })

interface Seen { line: string, headers: string, body: string }

/** A fake HIBP range server on 127.0.0.1 that records every request whole; `breached` are the passwords it knows. */
async function startRangeServer (t: Teardown, breached: string[], mode: 'ok' | 'hang' | 'error' = 'ok') {
  const seen: Seen[] = []
  const hashes = breached.map((p) => createHash('sha1').update(p).digest('hex').toUpperCase())
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString('latin1') })
    req.on('end', () => {
      seen.push({ line: `${req.method} ${req.url} HTTP/${req.httpVersion}`, headers: JSON.stringify(req.rawHeaders), body })
      if (mode === 'hang') return
      if (mode === 'error') { res.writeHead(500).end(); return }
      const prefix = (req.url ?? '').split('/').pop() ?? ''
      const lines = hashes.filter((h) => h.startsWith(prefix)).map((h) => `${h.slice(5)}:42`)
      lines.push('0000000000000000000000000000000000F:0') // padding lines have count 0
      res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); return new Promise((resolve) => server.close(() => resolve(undefined))) })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

t.test('at least 30,000 common passwords are refused on register, case-insensitively', async (t) => {
  t.ok(commonPasswordCount >= 30_000, `${commonPasswordCount} passwords`)
  const app = await build(t)
  for (const password of ['password123', 'PassWord123', 'PASSWORD123', 'qwertyuiop', 'iloveyou1']) {
    const res = await register(app, password)
    t.equal(res.statusCode, 400, password)
    t.match(res.json(), { code: 0, error: 'password_too_common' })
  }
  t.equal((await register(app, PASSWORD)).statusCode, 201, 'an uncommon password is fine')
})

t.test('change and reset refuse a common new password', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { token } = await loggedInUser(app)
  const change = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: 'Password123' } })
  t.equal(change.statusCode, 400)
  t.equal(change.json().error, 'password_too_common')
  const { phone } = await registerUser(app)
  const code = await codeFor(app, gateway, phone, 'reset_password')
  const reset = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: code, new_password: 'letmein123' } })
  t.equal(reset.statusCode, 400)
  t.equal(reset.json().error, 'password_too_common')
  const ok = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: code, new_password: 'an uncommon passphrase' } })
  t.equal(ok.statusCode, 200, 'the code was not used up by the refused password')
})

t.test('breached passwords: k-anonymity, only 5 hex characters leave', async (t) => {
  const leaked = 'my breached passphrase'
  const range = await startRangeServer(t, [leaked])
  const app = await build(t, { PWNED_PASSWORDS_URL: range.url })
  const res = await register(app, leaked)
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'password_too_common')
  t.equal((await register(app, 'a passphrase nobody leaked')).statusCode, 201)
  t.equal(range.seen.length, 2, 'one range request per password')
  for (const [i, password] of [leaked, 'a passphrase nobody leaked'].entries()) {
    const hash = createHash('sha1').update(password).digest('hex').toUpperCase()
    const req = range.seen[i]
    t.equal(req?.line, `GET /range/${hash.slice(0, 5)} HTTP/1.1`)
    const everything = `${req?.line} ${req?.headers} ${req?.body}`.toUpperCase()
    t.notOk(everything.includes(hash.slice(0, 6)), 'not even a sixth hash character leaves')
    t.notOk(everything.includes(password.toUpperCase()), 'the password never leaves')
    t.equal(req?.body, '')
  }
})

t.test('an unreachable range API: accepted when fail-open (the default), 503 when not', async (t) => {
  for (const mode of ['hang', 'error'] as const) {
    const range = await startRangeServer(t, [], mode)
    const open = await build(t, { PWNED_PASSWORDS_URL: range.url })
    t.equal((await register(open, 'fail open passphrase')).statusCode, 201, `${mode}: fail open`)
    const closed = await build(t, { PWNED_PASSWORDS_URL: range.url, PWNED_PASSWORDS_FAIL_OPEN: 'false' })
    const res = await register(closed, 'fail closed passphrase')
    t.equal(res.statusCode, 503, `${mode}: fail closed`)
    t.equal(res.json().error, 'service_unavailable')
  }
  const closed = await build(t, { PWNED_PASSWORDS_URL: 'http://127.0.0.1:9', PWNED_PASSWORDS_FAIL_OPEN: 'false' })
  t.equal((await register(closed, 'nobody listens here')).statusCode, 503, 'connection refused')
})
