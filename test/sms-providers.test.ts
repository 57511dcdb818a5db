import { phoneKeys } from '../src/redis/keys.js'
import { Writable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { loadConfig } from '../src/config/env.js'
import { LOG_REDACT_PATHS } from '../src/observability/logging.js'
import { build, buildFromEnv, newPhone, PASSWORD, registerUser } from './support/helper.js'
import { askForCode, buildWithGateway, codeFor, startGateway } from './support/sms-helper.js'
import type { App } from '../src/app.js'

const SID = 'AC' + '0123456789abcdef'.repeat(2)
const TWILIO = { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'twilio-secret', TWILIO_FROM: '+15005550006' }

const register = (app: App, phone: string, smsCode: string) =>
  app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: PASSWORD, sms_code: smsCode } })

t.test('configuration: each provider\'s variables are checked at start, naming the variable', async (t) => {
  const env = { MYSQL_URL: 'mysql://u@127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1:1' }
  t.match(loadConfig(env), { SMS_PROVIDER: 'log', PHONE_VERIFICATION: 'off', SMS_CODE_TTL_SECONDS: 300 })
  t.throws(() => loadConfig({ ...env, NODE_ENV: 'production' }), /SMS_PROVIDER must not be log when NODE_ENV=production/)
  t.throws(() => loadConfig({ ...env, SMS_PROVIDER: 'carrier-pigeon' }), /SMS_PROVIDER/)
  t.throws(() => loadConfig({ ...env, SMS_PROVIDER: 'webhook' }), /env\/SMS_WEBHOOK_URL is required when SMS_PROVIDER=webhook/)
  t.throws(() => loadConfig({ ...env, SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'ftp://x' }), /SMS_WEBHOOK_URL/)
  t.throws(() => loadConfig({ ...env, SMS_PROVIDER: 'twilio' }), /env\/TWILIO_ACCOUNT_SID is required when SMS_PROVIDER=twilio/)
  t.throws(() => loadConfig({ ...env, ...TWILIO, TWILIO_AUTH_TOKEN: '' }), /env\/TWILIO_AUTH_TOKEN is required/)
  t.throws(() => loadConfig({ ...env, ...TWILIO, TWILIO_FROM: undefined }), /env\/TWILIO_FROM is required/)
  t.throws(() => loadConfig({ ...env, ...TWILIO, TWILIO_ACCOUNT_SID: 'nope' }), /TWILIO_ACCOUNT_SID/)
  t.throws(() => loadConfig({ ...env, PHONE_VERIFICATION: 'maybe' }), /PHONE_VERIFICATION/)
  t.throws(() => loadConfig({ ...env, SMS_CODE_TTL_SECONDS: '0' }), /SMS_CODE_TTL_SECONDS/)
  t.match(loadConfig({ ...env, NODE_ENV: 'production', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'https://sms.example/send' }), { SMS_PROVIDER: 'webhook' })
  t.match(loadConfig({ ...env, NODE_ENV: 'production', ...TWILIO }), { SMS_PROVIDER: 'twilio' })
  await t.rejects(async () => await buildFromEnv({ logger: false }, { ...env, NODE_ENV: 'production' }), /SMS_PROVIDER/, 'the app refuses to start')
})

t.test('webhook: a 5xx gateway is retried 3 times outside the request, and the code it may have seen is dead', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { PHONE_VERIFICATION: 'required' })
  gateway.fallback = 502
  const phone = newPhone()
  const res = await askForCode(app, phone, 'register')
  t.equal(res.statusCode, 200, 'the reply does not depend on the gateway (SPEC §9)')
  t.equal(gateway.requests.length, 3, 'bounded retries')
  t.equal(new Set(gateway.requests.map((req) => req.body)).size, 1, 'every attempt carries the same message')
  const seen = gateway.codeFor(phone)
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0, 'no code stored')
  t.match((await register(app, phone, seen)).json(), { error: 'sms_code_invalid' })

  // The failed send keeps its slot: giving it back would let a retry tell a registered number from an unknown one.
  gateway.fallback = 200
  t.equal((await askForCode(app, phone, 'register')).statusCode, 429)
  await app.redis.del(phoneKeys(phone).smsCooldown)
  const code = await codeFor(app, gateway, phone, 'register')
  t.equal((await register(app, phone, code)).statusCode, 201)
})

t.test('webhook: a gateway that fails once and then takes the message is fine', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { PHONE_VERIFICATION: 'required' })
  gateway.answers.push(503)
  const phone = newPhone()
  const code = await codeFor(app, gateway, phone, 'register')
  t.equal(gateway.requests.length, 2)
  t.equal((await register(app, phone, code)).statusCode, 201)
})

t.test('webhook: a 4xx from the gateway is not retried', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  gateway.fallback = 400
  t.equal((await askForCode(app, newPhone(), 'register')).statusCode, 200)
  t.equal(gateway.requests.length, 1)
})

t.test('webhook: each attempt times out after SMS_WEBHOOK_TIMEOUT_MS', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { SMS_WEBHOOK_TIMEOUT_MS: '200' })
  gateway.fallback = 'hang'
  const res = await askForCode(app, newPhone(), 'reset_password')
  t.equal(res.statusCode, 200, 'an unknown number')
  t.equal(gateway.requests.length, 0, 'is sent nothing')
  const { phone: member } = await registerUser(app)
  // Garbage collection while the attempts hang: a timeout signal must not be collected before it fires.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const collecting = setInterval(gc, 20)
  const started = Date.now()
  const failed = await askForCode(app, member, 'reset_password') // the helper waits for the delivery to give up
  const elapsed = Date.now() - started
  clearInterval(collecting)
  t.same(failed.json(), res.json(), 'a registered number gets the same answer')
  t.equal(gateway.requests.length, 3)
  // 3 attempts of 200 ms and 750 ms of backoff, against 9 s with the default timeout.
  t.ok(elapsed >= 1300 && elapsed < 4000, `gave up in ${elapsed} ms`)
  t.equal(await app.redis.exists(phoneKeys(member).smsCode('reset_password')), 0)
})

t.test('webhook: a gateway that never answers does not hold the reply, and delivery gives up within 10 s', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  gateway.fallback = 'hang'
  const phone = newPhone()
  const res = await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: phone, purpose: 'register' } })
  t.equal(res.statusCode, 200, 'answered while the gateway holds the message')
  t.equal(app.smsDelivery.pending, 1)
  const started = Date.now()
  await app.smsDelivery.drain()
  t.ok(Date.now() - started < 10_000, `gave up in ${Date.now() - started} ms`)
  t.equal(gateway.requests.length, 3)
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0, 'the code is dead')
})

t.test('webhook: an unreachable gateway leaves no code', async (t) => {
  const app = await build(t, { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms' })
  const phone = newPhone()
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0)
})

t.test('twilio: one form-encoded POST to the Messages resource of the REST API, with basic auth, and the code it carries registers', async (t) => {
  const api = await startGateway(t, (req) => ({
    sid: 'SM' + 'f'.repeat(32), account_sid: SID, status: 'queued', to: new URLSearchParams(req.body).get('To'), body: ''
  }))
  api.fallback = 201
  const app = await build(t, { ...TWILIO, TWILIO_API_URL: api.url, PHONE_VERIFICATION: 'required' })
  const phone = newPhone()
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)

  t.equal(api.requests.length, 1)
  const [req] = api.requests
  t.equal(req?.method, 'POST')
  t.equal(req?.url, `/2010-04-01/Accounts/${SID}/Messages.json`)
  t.equal(req?.headers.authorization, `Basic ${Buffer.from(`${SID}:twilio-secret`).toString('base64')}`)
  t.match(req?.headers['content-type'], /^application\/x-www-form-urlencoded/)
  t.match(req?.headers.accept, /application\/json/)
  const form = new URLSearchParams(req?.body)
  t.same([...form.keys()].sort(), ['Body', 'From', 'To'])
  t.equal(form.get('To'), phone)
  t.equal(form.get('From'), TWILIO.TWILIO_FROM)
  const code = /\b(\d{6})\b/.exec(form.get('Body') ?? '')?.[1] ?? ''
  t.match(form.get('Body'), /^Your Sesame verification code is \d{6}\./)
  t.equal((await register(app, phone, code)).statusCode, 201)
})

t.test('twilio: a Messaging Service SID in TWILIO_FROM is sent as MessagingServiceSid', async (t) => {
  const api = await startGateway(t, () => ({ sid: 'SM' + 'f'.repeat(32), status: 'accepted' }))
  api.fallback = 201
  const service = 'MG' + 'a'.repeat(32)
  const app = await build(t, { ...TWILIO, TWILIO_FROM: service, TWILIO_API_URL: api.url })
  t.equal((await askForCode(app, newPhone(), 'register')).statusCode, 200)
  const form = new URLSearchParams(api.requests[0]?.body)
  t.equal(form.get('MessagingServiceSid'), service)
  t.equal(form.get('From'), null)
})

t.test('twilio: an unreachable API leaves no code', async (t) => {
  const app = await build(t, { ...TWILIO, TWILIO_API_URL: 'http://127.0.0.1:9' })
  const phone = newPhone()
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0)
})

t.test('twilio: the log names Twilio\'s error code and message, never the auth token', async (t) => {
  const { lines, logger } = captureLogs()
  const api = await startGateway(t, () => ({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }))
  api.fallback = 401
  const app = await build(t, { ...TWILIO, TWILIO_API_URL: api.url }, { logger })
  t.equal((await askForCode(app, newPhone(), 'register')).statusCode, 200)
  const failure = lines.find((line) => line.msg === 'SMS not delivered')
  t.equal(failure?.level, 40, 'at warn')
  t.equal(failure?.kind, 'register code')
  t.match(failure?.reason, /HTTP 401 \(Twilio error 20003: Authenticate\)/)
  const all = JSON.stringify(lines)
  t.notOk(all.includes('twilio-secret'), 'no auth token in the log')
  t.notOk(all.includes(Buffer.from(`${SID}:twilio-secret`).toString('base64')), 'no authorization header in the log')
})

t.test('twilio: an error from the API leaves no code', async (t) => {
  const api = await startGateway(t, () => ({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }))
  api.fallback = 400
  const app = await build(t, { ...TWILIO, TWILIO_API_URL: api.url })
  const phone = newPhone()
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)
  t.equal(await app.redis.exists(phoneKeys(phone).smsCode('register')), 0)
})

/** Whether a log line holds `code` as a number of its own (not inside a timestamp or a phone number). */
const holds = (line: unknown, code: string) => new RegExp(`(?<!\\d)${code}(?!\\d)`).test(JSON.stringify(line))

/** A pino stream that keeps every line, parsed. */
function captureLogs () {
  const lines: Array<Record<string, unknown> & { level: number }> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line))
      done()
    }
  })
  return { lines, logger: { level: 'trace', redact: LOG_REDACT_PATHS, stream } }
}

t.test('log provider: the code is in its log line, and nowhere else in the log', async (t) => {
  const { lines, logger } = captureLogs()
  const app = await build(t, { PHONE_VERIFICATION: 'required' }, { logger })
  const phone = newPhone()
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)
  const sent = lines.filter((line) => line.sms_provider === 'log')
  t.equal(sent.length, 1)
  t.equal(sent[0]?.level, 30, 'at info')
  t.equal(sent[0]?.phone_number, phone)
  const code = /\b(\d{6})\b/.exec(String(sent[0]?.text))?.[1] ?? ''
  t.match(sent[0]?.msg, code)

  t.equal((await register(app, phone, code === '000000' ? '111111' : '000000')).statusCode, 400)
  t.equal((await register(app, phone, code)).statusCode, 201)
  const others = lines.filter((line) => line.sms_provider !== 'log' && holds(line, code))
  t.same(others, [], 'no other line holds the code')
})

t.test('webhook provider: no log line at any level holds a code, through register and reset', async (t) => {
  const { lines, logger } = captureLogs()
  const gateway = await startGateway(t)
  const app = await build(t, { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: gateway.url, PHONE_VERIFICATION: 'required', LOG_LEVEL: 'trace' }, { logger })
  const phone = newPhone()
  const codes = [await codeFor(app, gateway, phone, 'register')]
  t.equal((await register(app, phone, codes[0] ?? '')).statusCode, 201)
  await app.redis.del(phoneKeys(phone).smsCooldown)
  codes.push(await codeFor(app, gateway, phone, 'reset_password'))
  const reset = (smsCode: string) => app.inject({
    method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: smsCode, new_password: 'new password here' }
  })
  t.equal((await reset('not-a-code')).statusCode, 400)
  t.equal((await reset(codes[1] ?? '')).statusCode, 200)

  gateway.fallback = 500
  await app.redis.del(phoneKeys(phone).smsCooldown)
  t.equal((await askForCode(app, phone, 'reset_password')).statusCode, 200)
  codes.push(gateway.codeFor(phone))

  t.ok(lines.length > 10, `${lines.length} lines captured`)
  t.ok(lines.some((line) => line.msg === 'SMS webhook attempt failed'), 'failures are logged')
  for (const code of codes) {
    t.same(lines.filter((line) => holds(line, code)), [], `code ${code.slice(0, 2)}…`)
  }
})
