import t from 'tap'
import { build, loggedInUser } from '../helper.js'

t.test('register, login, user, logout', async (t) => {
  const app = await build(t)
  const { token, user } = await loggedInUser(app, '小明 🚀')
  const res = await app.inject({ method: 'GET', url: '/user', headers: { token } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'ok', ...user })
})
