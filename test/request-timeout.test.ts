import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildOn, ownServices, thawMariaDb } from './support/own-services.js'
import { PASSWORD, logIn, newPhone, registerUser } from './support/helper.js'

// REQUEST_TIMEOUT_SECONDS is about a body that has not arrived (test/raw-envelope.test.ts: 408 for a trickled
// body). A request whose body did arrive may take longer to answer, here a PATCH /user while MariaDB is frozen
// (its statement deadline is longer than the 1 s request timeout), and gets its own answer, a 503. Through
// app.inject this used to throw "socket.destroy is not a function" from the timer (light-my-request's request
// never sets `complete`, and its socket is a stand-in), which ended the whole test process.
const services = await ownServices(t)
const app = await buildOn(t, services, { REQUEST_TIMEOUT_SECONDS: '1', IP_RATE_LIMIT_PER_MINUTE: '10000' })
const { phone } = await registerUser(app, newPhone(), PASSWORD, 'before')
const token = await logIn(app, phone)
const patch = { nickname: 'during the freeze' }

async function whileMariaDbFrozen<R> (request: () => Promise<R>): Promise<R> {
  services.mariadb.process.kill('SIGSTOP')
  try {
    return await request()
  } finally {
    await thawMariaDb(services, app)
  }
}

t.test('app.inject: a request slower than REQUEST_TIMEOUT_SECONDS, its body arrived, gets its own answer', async (t) => {
  const started = Date.now()
  const res = await whileMariaDbFrozen(() => app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: patch }))
  t.ok(Date.now() - started > 1000, 'slower than the request timeout')
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 0, error: 'service_unavailable' })
})

t.test('a real connection: the same slow request gets its 503, not a 408', async (t) => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const started = Date.now()
  const res = await whileMariaDbFrozen(() => fetch(`http://127.0.0.1:${port}/user`, {
    method: 'PATCH', headers: { 'content-type': 'application/json', token }, body: JSON.stringify(patch)
  }))
  t.ok(Date.now() - started > 1000, 'slower than the request timeout')
  t.equal(res.status, 503)
  t.match(await res.json(), { code: 0, error: 'service_unavailable' })
})
