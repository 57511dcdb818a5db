import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { build, loggedInUser, logIn, PASSWORD, type App } from './support/helper.js'

/**
 * How long until instance `app`'s resolver (the one its auth hook runs) refuses `token`, polled every
 * millisecond (fails after 1 s); then its GET /user must answer 401 token_invalid. Polling the resolver
 * rather than injecting requests keeps a busy machine's request latency out of the measurement.
 */
async function refusedAfter (app: App, token: string) {
  const started = Date.now()
  while (await app.sessions.resolve(token) !== null) {
    if (Date.now() - started > 1000) throw new Error('still accepted after 1 s')
    await sleep(1)
  }
  const ms = Date.now() - started
  const res = await app.inject({ method: 'GET', url: '/user', headers: { token } })
  if (res.statusCode !== 401 || res.json().error !== 'token_invalid') throw new Error(`GET /user answered ${res.statusCode}`)
  return ms
}

// Both instances cache sessions in memory (SESSION_CACHE_SIZE); Redis tells B when A changes them (SPEC §12).
t.test('two instances: logout and a password change on A are refused by B within 100 ms', async (t) => {
  const env = { MAX_SESSIONS_PER_USER: '5', MAX_EVENT_LOOP_DELAY_MS: '0', SESSION_CACHE_SIZE: '1000' } // no load shedding on a busy test machine
  const [a, b] = await Promise.all([build(t, env), build(t, env)])
  await sleep(200) // tracking set up on both
  const user = await loggedInUser(a)
  const other = await logIn(a, user.phone)
  for (const token of [user.token, other]) {
    t.equal((await b.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200, 'B caches it')
  }
  t.equal((await a.inject({ method: 'POST', url: '/logout', headers: { token: user.token } })).statusCode, 200)
  t.equal((await a.inject({ method: 'GET', url: '/user', headers: { token: user.token } })).statusCode, 401, 'A refuses at once')
  const ms = await refusedAfter(b, user.token)
  t.ok(ms <= 100, `B refused the logged-out token after ${ms} ms`)

  const current = await logIn(a, user.phone)
  const res = await a.inject({ method: 'POST', url: '/user/password', headers: { token: current }, payload: { old_password: PASSWORD, new_password: 'another horse battery' } })
  t.equal(res.statusCode, 200)
  const after = await refusedAfter(b, other)
  t.ok(after <= 100, `B refused the other session after the password change after ${after} ms`)
  const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) =>
    (await (i % 2 === 0 ? a : b).inject({ method: 'GET', url: '/user', headers: { token: other } })).statusCode))
  t.same([...new Set(answers)], [401], '50 requests at once on both instances: all refused')
})
