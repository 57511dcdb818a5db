import t from 'tap'
import { build, newPhone } from './support/helper.js'

t.test('at LOG_LEVEL=trace, no password or token reaches the log', async (t) => {
  const lines: string[] = []
  const app = await build(t, { LOG_LEVEL: 'trace' }, { logger: undefined, logStream: { write: (line) => { lines.push(line) } } })
  const phone = newPhone()
  const password = 'Pa55word-that-must-not-leak'
  const newPassword = 'An0ther-secret-that-must-not-leak'
  const register = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password, nickname: 'Log' } })
  t.equal(register.statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'wrong-but-secret-too' } })).statusCode, 401)
  const login = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })
  const token = login.json().token as string
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
  await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: password, new_password: newPassword } })
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: { token } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 401)

  const log = lines.join('')
  t.ok(lines.length > 10, `the log was captured (${lines.length} lines)`)
  t.equal(app.log.level, 'trace', 'the logger ran at trace')
  const secret = token.split('.')[1] ?? token
  for (const [name, value] of Object.entries({ password, newPassword, wrong: 'wrong-but-secret-too', token, secret })) {
    t.notOk(log.includes(value), `${name} is not in the log`)
  }
})

t.test('the redaction list covers the token headers and password fields', async (t) => {
  const lines: string[] = []
  const app = await build(t, { LOG_LEVEL: 'info' }, { logger: undefined, logStream: { write: (line) => { lines.push(line) } } })
  app.log.info({ req: { headers: { token: 't0ken-value', authorization: 'Bearer t0ken-value', cookie: 'c=t0ken-value' } }, body: { password: 'pw-value', new_password: 'pw-value', old_password: 'pw-value' } }, 'shaped like a request')
  const log = lines.join('')
  t.notMatch(log, /t0ken-value|pw-value/)
  t.match(log, /\[Redacted\]/)
})
