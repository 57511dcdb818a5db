import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { allKeys, build, logIn, newPhone, PASSWORD, registerUser } from '../support/helper.js'
import { buildWithGateway, codeFor } from '../support/sms-helper.js'
import { phoneKeys } from '../../src/redis/keys.js'

t.test('DELETE /user on one instance ends every session on both; nothing of the user is left', async (t) => {
  const env = { MAX_SESSIONS_PER_USER: '3' }
  const a = await build(t, env)
  const b = await build(t, env)
  const { phone, user } = await registerUser(a, newPhone(), PASSWORD, 'Mia')
  const tokens = [await logIn(a, phone), await logIn(b, phone), await logIn(b, phone)]
  t.ok((await allKeys(a.redis, `*{u${user.id}}*`)).length > 0, 'the user has keys before')
  const wrong = await b.inject({ method: 'DELETE', url: '/user', payload: { password: 'not the password' }, headers: { token: tokens[0] } })
  t.equal(wrong.statusCode, 403)
  t.equal(wrong.json().error, 'wrong_password')
  t.equal(await a.redis.hget(phoneKeys(phone).loginBudget, 'failures'), '1', 'a wrong password counts as a failure')
  const res = await b.inject({ method: 'DELETE', url: '/user', payload: { password: PASSWORD }, headers: { token: tokens[0] } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'account deleted' })
  for (const app of [a, b]) {
    for (const token of tokens) {
      const me = await app.inject({ url: '/user', headers: { token } })
      t.equal(me.statusCode, 401)
      t.match(me.json(), { code: 2, error: 'token_invalid' })
    }
  }
  t.same(await allKeys(a.redis, `*{u${user.id}}*`), [], 'no Redis key of the user is left')
  t.same(await allKeys(a.redis, `*${phone}*`), [], 'no key of the number is left')
  const [rows] = await a.mysql.query<RowDataPacket[]>('SELECT id FROM user WHERE id = ? OR phone_number = ?', [user.id, phone])
  t.same(rows, [], 'the MySQL row is deleted, not flagged')
  t.equal((await a.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })).statusCode, 401)
  const again = await a.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: PASSWORD } })
  t.equal(again.statusCode, 201, 'the number can register again')
  t.not(again.json().user.id, user.id)
})

t.test('DELETE /user with a delete_account code; bad bodies change nothing', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  for (const payload of [{}, { password: PASSWORD, sms_code: '123456' }]) {
    const res = await app.inject({ method: 'DELETE', url: '/user', payload, headers: { token } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error, 'validation_failed')
  }
  const none = await app.inject({ method: 'DELETE', url: '/user', payload: { password: PASSWORD } })
  t.equal(none.statusCode, 401)
  t.equal(none.json().error, 'token_required')
  const bad = await app.inject({ method: 'DELETE', url: '/user', payload: { sms_code: '000000' }, headers: { token } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error, 'sms_code_invalid')
  const code = await codeFor(app, gateway, phone, 'delete_account', { token })
  const res = await app.inject({ method: 'DELETE', url: '/user', payload: { sms_code: code }, headers: { token } })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ url: '/user', headers: { token } })).statusCode, 401)
})
