import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { build, logIn, loggedInUser, PASSWORD, type App } from '../support/helper.js'
import { userKeys } from '../../src/redis/keys.js'

const getUser = (app: App, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/user', headers })

t.test('GET /user answers the user behind the token header', async (t) => {
  const app = await build(t)
  const { token, user } = await loggedInUser(app, 'Kim')
  const res = await getUser(app, { token })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'ok', id: user.id, phone_number: user.phone_number, nickname: 'Kim', register_time: user.register_time })
})

t.test('GET /user accepts Authorization: Bearer', async (t) => {
  const app = await build(t)
  const { token, user } = await loggedInUser(app)
  for (const authorization of [`Bearer ${token}`, `bearer ${token}`]) {
    const res = await getUser(app, { authorization })
    t.equal(res.statusCode, 200, authorization.slice(0, 6))
    t.equal(res.json().id, user.id)
  }
})

t.test('no token: 401 token_required with code 0', async (t) => {
  const app = await build(t)
  // A malformed Authorization (Basic, Bearer alone) is a token sent but not valid: test/promises.test.ts (SPEC §3).
  for (const headers of [{}, { token: '' }, { authorization: '' }] as Array<Record<string, string>>) {
    const res = await getUser(app, headers)
    t.equal(res.statusCode, 401, JSON.stringify(headers))
    t.same(res.json(), { code: 0, error: 'token_required', message: res.json().message })
  }
})

t.test('a token that is not valid: 401 token_invalid with code 2', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  const [prefix = '', secret = ''] = token.split('.')
  const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')
  const bad = ['nonsense', secret, `${prefix}.${flipped}`, `${Number(prefix) + 1}.${secret}`, `0.${secret}`, 'x'.repeat(10_000), 'токен.токен', `${prefix}.${secret}x`]
  for (const value of bad) {
    for (const headers of [{ token: value }, { authorization: `Bearer ${value}` }] as Array<Record<string, string>>) {
      const res = await getUser(app, headers)
      t.equal(res.statusCode, 401)
      t.same(res.json(), { code: 2, error: 'token_invalid', message: res.json().message }, `${Object.keys(headers)[0]}: ${value.slice(0, 20)}`)
    }
  }
})

t.test('CJK and emoji nicknames round-trip through MySQL and Redis', async (t) => {
  const app = await build(t)
  const nickname = '小明🚀👩‍💻 Zoë'
  const { token, user } = await loggedInUser(app, nickname)
  t.equal((await getUser(app, { token })).json().nickname, nickname, 'registered and served from Redis')

  const updated = '新しい名前 🎉'
  const res = await app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: { nickname: `  ${updated} ` } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, user: { id: user.id, nickname: updated } })
  const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT nickname FROM user WHERE id = ?', [user.id])
  t.equal(rows[0]?.nickname, updated, 'MySQL holds it')
  t.equal(await app.redis.hget(userKeys(user.id).user, 'nickname'), updated, 'the Redis user hash holds it')
  t.equal((await getUser(app, { token })).json().nickname, updated, 'GET /user answers it')
  const fresh = await logIn(app, user.phone_number)
  t.equal((await getUser(app, { token: fresh })).json().nickname, updated, 'and after a new login')
})

t.test('PATCH /user: null clears the nickname, absent changes nothing, blank is refused', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app, 'Lee')
  const unchanged = await app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: {} })
  t.equal(unchanged.statusCode, 200)
  t.equal(unchanged.json().user.nickname, 'Lee')
  const blank = await app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: { nickname: '  ' } })
  t.equal(blank.statusCode, 400)
  t.equal(blank.json().error, 'validation_failed')
  const cleared = await app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: { nickname: null } })
  t.equal(cleared.statusCode, 200)
  t.equal(cleared.json().user.nickname, null)
  t.equal((await getUser(app, { token })).json().nickname, null)
  t.equal((await app.inject({ method: 'PATCH', url: '/user', payload: { nickname: 'x' } })).statusCode, 401, 'needs a token')
})

t.test('POST /user/password changes the password and ends every other session', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '5' })
  const { token, phone } = await loggedInUser(app)
  const other = await logIn(app, phone)
  const res = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: 'a brand new secret' } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, message: String })
  t.equal((await getUser(app, { token })).statusCode, 200, 'this session goes on')
  t.equal((await getUser(app, { token: other })).statusCode, 401, 'the other one ended')
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })).statusCode, 401, 'old password refused')
  t.ok(await logIn(app, phone, 'a brand new secret'), 'new password works')
})

t.test('POST /user/password with a wrong old password is 403 wrong_password and changes nothing', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '5' })
  const { token, phone } = await loggedInUser(app)
  const other = await logIn(app, phone)
  const res = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: 'not it at all', new_password: 'a brand new secret' } })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 0, error: 'wrong_password' })
  t.equal((await getUser(app, { token: other })).statusCode, 200, 'other sessions untouched')
  t.ok(await logIn(app, phone, PASSWORD), 'old password still works')
  const short = await app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: 'short' } })
  t.equal(short.statusCode, 400, 'new password must follow the input rules')
})

t.test('wrong old passwords spend the account failure budget: then even the right one is 429', async (t) => {
  const app = await build(t, { LOGIN_MAX_FAILURES: '3' })
  const { token } = await loggedInUser(app)
  const change = (oldPassword: string) => app.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: oldPassword, new_password: 'a brand new passphrase' } })
  for (let i = 0; i < 3; i++) t.equal((await change('not the password')).statusCode, 403)
  const blocked = await change(PASSWORD)
  t.same([blocked.statusCode, blocked.json().error], [429, 'rate_limited'])
  t.ok(Number(blocked.headers['retry-after']) >= 1)
})
