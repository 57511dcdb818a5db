import t from 'tap'
import { newPhone, registerUser, type Teardown } from '../support/helper.js'
import { freePort } from '../../src/dev/local-services.js'
import { buildWithGateway } from '../support/sms-helper.js'
import { counter } from '../support/sms-abuse-helper.js'
import { phoneKeys } from '../../src/redis/keys.js'
import type { App } from '../../src/app.js'

// SPEC §9: POST /sms/code answers the same status, body and time whether or not the number is registered,
// even when the gateway is slow or failing. The reply is sent before the gateway is even asked.
const askForReset = (app: App, phone: string) =>
  app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: phone, purpose: 'reset_password' } })

// Short webhook attempts, so that a hanging gateway is given up on (and the app closed) within 2 s.
const build = async (t: Teardown) =>
  await buildWithGateway(t, { METRICS_PORT: String(await freePort()), IP_RATE_LIMIT_PER_MINUTE: '10000', SMS_WEBHOOK_TIMEOUT_MS: '300' })

t.test('a gateway that holds every message: a registered number is answered at once, like an unknown one', async (t) => {
  const { app, gateway } = await build(t)
  gateway.fallback = 'hang'
  const { phone: member } = await registerUser(app)
  const known = await askForReset(app, member)
  const unknown = await askForReset(app, newPhone())
  t.equal(known.statusCode, 200)
  t.same(known.json(), unknown.json(), 'the same body')
  t.equal(app.smsDelivery.pending, 1, 'the registered number\'s code is still in the gateway\'s hands')
  t.equal(await app.redis.exists(phoneKeys(member).smsCode('reset_password')), 1, 'and stored, ready for the user')
})

t.test('a failing gateway: the same answer for both, the code is dead, and the failure is logged and counted', async (t) => {
  const { app, gateway } = await build(t)
  gateway.fallback = 500
  const { phone: member } = await registerUser(app)
  const stranger = newPhone()
  const known = await askForReset(app, member)
  const unknown = await askForReset(app, stranger)
  t.equal(known.statusCode, 200)
  t.same(known.json(), unknown.json())
  await app.smsDelivery.drain()
  t.equal(gateway.requests.length, 3, 'the registered number\'s code was tried, and only it')
  t.equal(await app.redis.exists(phoneKeys(member).smsCode('reset_password')), 0, 'the undelivered code is dead')
  t.equal(await counter(app, 'smsFailed', { purpose: 'reset_password' }), 1, 'sesame_sms_codes_failed_total')
  t.equal(await counter(app, 'smsSent', { purpose: 'reset_password' }), 1, 'sesame_sms_codes_sent_total')

  // A retry cannot tell them apart either: the failed code's slot stays spent.
  const [again, againUnknown] = [await askForReset(app, member), await askForReset(app, stranger)]
  t.equal(again.statusCode, 429)
  t.equal(againUnknown.statusCode, 429)
  t.same(again.json(), againUnknown.json())
  t.equal(again.headers['retry-after'], againUnknown.headers['retry-after'])
})

t.test('50 concurrent requests for registered and unknown numbers against a failing gateway: all 200, the same body', async (t) => {
  const { app, gateway } = await build(t)
  gateway.fallback = 503
  const members = await Promise.all(Array.from({ length: 5 }, async () => (await registerUser(app)).phone))
  const phones = [...members, ...Array.from({ length: 45 }, () => newPhone())]
  const replies = await Promise.all(phones.map(async (phone) => await askForReset(app, phone)))
  t.same([...new Set(replies.map((reply) => reply.statusCode))], [200])
  t.equal(new Set(replies.map((reply) => reply.body)).size, 1)
  await app.smsDelivery.drain()
  t.equal(await counter(app, 'smsFailed', { purpose: 'reset_password' }), 5)
})
