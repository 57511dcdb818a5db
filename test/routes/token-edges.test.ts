import t from 'tap'
import { build, loggedInUser } from '../support/helper.js'

t.test('SPEC §3 token edges: malformed Authorization and conflicting headers are token_invalid; empty ones token_required', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  const other = (await loggedInUser(app)).token
  const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/user', headers })
  for (const authorization of [`Bearer ${token} extra`, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ']) {
    const res = await get({ authorization })
    t.same([res.statusCode, res.json().code, res.json().error], [401, 2, 'token_invalid'], `Authorization: ${authorization}`)
  }
  const both = await get({ token, authorization: `Bearer ${other}` })
  t.same([both.statusCode, both.json().code, both.json().error], [401, 2, 'token_invalid'], 'two different tokens')
  t.equal((await get({ token, authorization: `Bearer ${token}` })).statusCode, 200, 'the same token twice is fine')
  const empty = await get({ token: '' })
  t.same([empty.statusCode, empty.json().code, empty.json().error], [401, 0, 'token_required'], 'an empty token header')
})

t.test('HEAD /logout ends no session', async (t) => {
  const app = await build(t)
  const { token } = await loggedInUser(app)
  const head = await app.inject({ method: 'HEAD', url: '/logout', headers: { token } })
  t.not(head.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200, 'the token still works')
})
