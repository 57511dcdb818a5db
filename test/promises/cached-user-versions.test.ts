import t from 'tap'
import { build, logIn, PASSWORD, registerUser, type App } from '../support/helper.js'

// The cached user never goes back in time (issue 11 item 8): a login that read the user from MySQL before a
// PATCH /user committed must not put the old nickname back into Redis, where GET /user and push workers read it.
const patch = (app: App, token: string, nickname: string) =>
  app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: { nickname } })
const cachedNickname = async (app: App, token: string) => (await app.inject({ url: '/user', headers: { token } })).json().nickname as string | null

t.test('a login that read the user before a PATCH committed cannot put the old nickname back', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '10' })
  const { phone, user } = await registerUser(app, undefined, undefined, 'before')
  const token = await logIn(app, phone)
  // What a login racing the PATCH read from MySQL: the user as it was.
  const stale = await app.usersRepository.findById(user.id)
  if (stale === null) throw new Error('no user')
  t.equal((await patch(app, token, 'after')).statusCode, 200)
  // That login's session is created only now, after the PATCH wrote MySQL and the cached user.
  const { token: racing } = await app.sessions.create(stale, 'racing login')
  t.equal(await cachedNickname(app, token), 'after', 'the cached user keeps the newer nickname')
  t.equal(await cachedNickname(app, racing), 'after', 'for every session')
  const [rows] = await app.mysql.query('SELECT nickname, nickname_version FROM user WHERE id = ?', [user.id])
  t.same(rows, [{ nickname: 'after', nickname_version: 1 }])
})

t.test('a login that read the user after the PATCH updates a cache that missed it', async (t) => {
  const app = await build(t, { MAX_SESSIONS_PER_USER: '10' })
  const { phone, user } = await registerUser(app, undefined, undefined, 'before')
  const token = await logIn(app, phone)
  const older = await app.usersRepository.findById(user.id)
  t.equal((await patch(app, token, 'one')).statusCode, 200)
  t.equal((await patch(app, token, 'two')).statusCode, 200)
  if (older === null) throw new Error('no user')
  await app.sessions.create(older, 'an even older login')
  t.equal(await cachedNickname(app, token), 'two')
  const fresh = await app.usersRepository.findById(user.id)
  t.equal(fresh?.nicknameVersion, 2)
})

t.test('50 concurrent PATCHes and logins: the cached nickname is MySQL\'s at the end', async (t) => {
  const app = await build(t, { IP_RATE_LIMIT_PER_MINUTE: '10000', MAX_SESSIONS_PER_USER: '100' })
  const { phone, user } = await registerUser(app, undefined, undefined, 'start')
  const token = await logIn(app, phone)
  const work = Array.from({ length: 50 }, async (_, i) => {
    if (i % 2 === 0) return (await patch(app, token, `nick ${i}`)).statusCode
    return (await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })).statusCode
  })
  const statuses = await Promise.all(work)
  t.same([...new Set(statuses)].sort(), [200])
  const [rows] = await app.mysql.query('SELECT nickname FROM user WHERE id = ?', [user.id]) as unknown as [Array<{ nickname: string }>]
  t.equal(await cachedNickname(app, token), rows[0]?.nickname)
})
