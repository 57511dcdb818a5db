import t from 'tap'
import { newPhone, registerUser, type Teardown } from './support/helper.js'
import { buildWithGateway } from './support/sms-helper.js'
import { counter, phoneIn, siblingsOf, smsCode, startVerifier } from './support/sms-abuse-helper.js'
import { freePort } from '../src/dev/local-services.js'
import type { RawEnv } from '../src/config/env.js'

const withMetrics = async (t: Teardown, env: RawEnv) => buildWithGateway(t, { METRICS_PORT: String(await freePort()), ...env })

t.test('SMS_ALLOWED_COUNTRIES: a number elsewhere is 400 sms_not_allowed and reaches no gateway', async (t) => {
  const { app, gateway } = await withMetrics(t, { SMS_ALLOWED_COUNTRIES: 'FR,DE' })
  t.equal((await smsCode(app, { phone_number: phoneIn('FR'), purpose: 'register' })).statusCode, 200)
  t.equal((await smsCode(app, { phone_number: phoneIn('DE'), purpose: 'register' })).statusCode, 200)
  for (const phone of [phoneIn('GB'), phoneIn('JP'), '+882123456789']) {
    const res = await smsCode(app, { phone_number: phone, purpose: 'register' })
    t.equal(res.statusCode, 400, phone)
    t.match(res.json(), { code: 0, error: 'sms_not_allowed' })
  }
  const registered = phoneIn('GB')
  await registerUser(app, registered)
  const known = await smsCode(app, { phone_number: registered, purpose: 'reset_password' })
  const unknown = await smsCode(app, { phone_number: phoneIn('GB'), purpose: 'reset_password' })
  t.same(known.json(), unknown.json(), 'the same answer for a registered and an unknown number')
  t.equal(gateway.requests.length, 2)
  t.equal(await counter(app, 'smsRefused', { limit: 'country_not_allowed' }), 5)
  t.equal(await counter(app, 'smsSent', { country: 'FR', purpose: 'register' }), 1)
})

t.test('SMS_CHALLENGE_URL: the verifier gets {challenge_token, phone_number, purpose, ip} and a 2xx {"ok":true} lets the code go', async (t) => {
  const verifier = await startVerifier(t)
  const { app, gateway } = await withMetrics(t, { SMS_CHALLENGE_URL: verifier.url, TRUST_PROXY: 'true' })
  const phone = newPhone()
  const res = await smsCode(app, { phone_number: ` ${phone}`, purpose: 'register', challenge_token: 'captcha-answer' }, { 'x-forwarded-for': '203.0.113.7' })
  t.equal(res.statusCode, 200)
  t.equal(verifier.requests.length, 1)
  t.match(verifier.requests[0]?.headers['content-type'], /^application\/json/)
  t.same(JSON.parse(verifier.requests[0]?.body ?? '{}'), { challenge_token: 'captcha-answer', phone_number: phone, purpose: 'register', ip: '203.0.113.7' })
  t.equal(gateway.requests.length, 1)
})

t.test('SMS_CHALLENGE_URL: no token is 400 validation_failed; any other answer than 2xx {"ok":true} is 400 challenge_failed', async (t) => {
  const verifier = await startVerifier(t)
  const { app, gateway } = await withMetrics(t, { SMS_CHALLENGE_URL: verifier.url })
  const missing = await smsCode(app, { phone_number: newPhone(), purpose: 'register' })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 0, error: 'validation_failed', message: /challenge_token/ })
  t.equal((await smsCode(app, { phone_number: newPhone(), purpose: 'register', challenge_token: '' })).statusCode, 400)
  t.equal(verifier.requests.length, 0, 'the verifier is not asked without a token')
  const answers = [
    { status: 200, body: '{"ok":false}' }, { status: 200, body: '{"ok":"true"}' }, { status: 200, body: 'yes' },
    { status: 200, body: '{}' }, { status: 403, body: '{"ok":true}' }, { status: 500, body: '{"ok":true}' }, { status: 302, body: '' }
  ]
  for (const answer of answers) {
    verifier.answer = answer
    const res = await smsCode(app, { phone_number: newPhone(), purpose: 'register', challenge_token: 'bot' })
    t.equal(res.statusCode, 400, `${answer.status} ${answer.body}`)
    t.match(res.json(), { code: 0, error: 'challenge_failed' })
  }
  t.equal(gateway.requests.length, 0)
  t.equal(await counter(app, 'smsRefused', { limit: 'challenge' }), answers.length)
})

t.test('SMS_CHALLENGE_URL: a verifier that is down or silent for 2 s is 503', async (t) => {
  const verifier = await startVerifier(t)
  const { app, gateway } = await withMetrics(t, { SMS_CHALLENGE_URL: verifier.url })
  verifier.answer = 'hang'
  const started = Date.now()
  const hung = await smsCode(app, { phone_number: newPhone(), purpose: 'register', challenge_token: 'x' })
  const waited = Date.now() - started
  t.equal(hung.statusCode, 503)
  t.match(hung.json(), { code: 0, error: 'service_unavailable' })
  t.ok(waited >= 1900, `gave up after ${waited} ms`)

  const down = await withMetrics(t, { SMS_CHALLENGE_URL: `http://127.0.0.1:${await freePort()}/verify` })
  const refused = await smsCode(down.app, { phone_number: newPhone(), purpose: 'register', challenge_token: 'x' })
  t.equal(refused.statusCode, 503)
  t.match(refused.json(), { code: 0, error: 'service_unavailable' })
  t.equal(gateway.requests.length + down.gateway.requests.length, 0)
})

t.test('the challenge comes before the budgets: a failed challenge spends none', async (t) => {
  const verifier = await startVerifier(t)
  const { app, gateway } = await withMetrics(t, { SMS_CHALLENGE_URL: verifier.url, SMS_LIMIT_PER_PREFIX_HOURLY: '1' })
  const sibling = siblingsOf(newPhone())
  verifier.answer = { status: 200, body: '{"ok":false}' }
  for (let i = 0; i < 3; i++) t.equal((await smsCode(app, { phone_number: sibling(i), purpose: 'register', challenge_token: 'bot' })).statusCode, 400)
  verifier.answer = { status: 200, body: '{"ok":true}' }
  t.equal((await smsCode(app, { phone_number: sibling(5), purpose: 'register', challenge_token: 'human' })).statusCode, 200)
  t.equal((await smsCode(app, { phone_number: sibling(6), purpose: 'register', challenge_token: 'human' })).statusCode, 429)
  t.equal(gateway.requests.length, 1)
})

t.test('codes verified are counted by country and purpose', async (t) => {
  const { app, gateway } = await withMetrics(t, {})
  const phone = phoneIn('FR')
  t.equal((await smsCode(app, { phone_number: phone, purpose: 'register' })).statusCode, 200)
  const res = await app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: 'correct horse battery', sms_code: gateway.codeFor(phone) } })
  t.equal(res.statusCode, 201)
  t.equal(await counter(app, 'smsVerified', { country: 'FR', purpose: 'register' }), 1)
  t.equal(await counter(app, 'smsSent', { country: 'FR', purpose: 'register' }), 1)
})
