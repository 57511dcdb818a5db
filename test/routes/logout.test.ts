import t from 'tap'
import { build, logIn, loggedInUser, type App } from '../support/helper.js'
import { userKeys } from '../../src/redis/keys.js'

const userStatus = async (app: App, token: string) => (await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode

for (const method of ['GET', 'POST'] as const) {
  t.test(`${method} /logout ends this session at once and marks the user offline`, async (t) => {
    const app = await build(t)
    const { token, user } = await loggedInUser(app)
    t.equal(await app.redis.hget(userKeys(user.id).user, 'app_online'), '1')
    const res = await app.inject({ method, url: '/logout', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { code: 1, message: String })
    t.equal(await userStatus(app, token), 401)
    t.equal(await app.redis.hget(userKeys(user.id).user, 'app_online'), '0')
    const again = await app.inject({ method, url: '/logout', headers: { token } })
    t.equal(again.statusCode, 401, 'a second logout with the same token is token_invalid')
    t.equal(again.json().code, 2)
  })
}

t.test('logout of one device keeps the user online while another session lives', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '2' })
  const { token, phone, user } = await loggedInUser(app)
  const other = await logIn(app, phone)
  await app.inject({ method: 'POST', url: '/logout', headers: { token } })
  t.equal(await userStatus(app, other), 200)
  t.equal(await app.redis.hget(userKeys(user.id).user, 'app_online'), '1')
})

t.test('POST /logout/all ends every session and says how many', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '5' })
  const { token, phone, user } = await loggedInUser(app)
  const others = [await logIn(app, phone), await logIn(app, phone)]
  const res = await app.inject({ method: 'POST', url: '/logout/all', headers: { token } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { code: 1, message: String, revoked: 3 })
  for (const each of [token, ...others]) t.equal(await userStatus(app, each), 401)
  t.equal(await app.redis.hget(userKeys(user.id).user, 'app_online'), '0')
  t.equal(await app.redis.exists(userKeys(user.id).index), 0, 'no index left behind')
})

t.test('logout needs a token', async (t) => {
  const app = await build(t)
  for (const [method, url] of [['GET', '/logout'], ['POST', '/logout'], ['POST', '/logout/all']] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 401)
    t.equal(res.json().error, 'token_required')
  }
})
