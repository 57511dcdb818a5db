import type { AddressInfo } from 'node:net'
import t from 'tap'
import { newPhone } from './support/helper.js'
import { askForCode, buildWithGateway } from './support/sms-helper.js'

// REQUEST_TIMEOUT_SECONDS is about a body that has not arrived (test/raw-envelope.test.ts: 408 for a trickled
// body). A request whose body did arrive may take longer to answer, here an SMS gateway that never answers
// (three attempts of SMS_WEBHOOK_TIMEOUT_MS), and gets its own answer. Through app.inject this used to throw
// "socket.destroy is not a function" from the timer (light-my-request's request never sets `complete`, and its
// socket is a stand-in), which ended the whole test process: seen as sms-providers timeouts on Node 24,
// where that reply took longer than the 10 s default.
const ENV = { REQUEST_TIMEOUT_SECONDS: '1', SMS_WEBHOOK_TIMEOUT_MS: '500' }

t.test('app.inject: a request slower than REQUEST_TIMEOUT_SECONDS, its body arrived, gets its own answer', async (t) => {
  const { app, gateway } = await buildWithGateway(t, ENV)
  gateway.fallback = 'hang'
  const started = Date.now()
  const res = await askForCode(app, newPhone(), 'register')
  t.ok(Date.now() - started > 1000, 'slower than the request timeout')
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 0, error: 'service_unavailable' })
})

t.test('a real connection: the same slow request gets its 503, not a 408', async (t) => {
  const { app, gateway } = await buildWithGateway(t, ENV)
  gateway.fallback = 'hang'
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const started = Date.now()
  const res = await fetch(`http://127.0.0.1:${port}/sms/code`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone_number: newPhone(), purpose: 'register' })
  })
  t.ok(Date.now() - started > 1000, 'slower than the request timeout')
  t.equal(res.status, 503)
  t.match(await res.json(), { code: 0, error: 'service_unavailable' })
})
