import { phoneKeys } from '../../src/redis/keys.js'
import t from 'tap'
import { allKeys, newPhone, registerUser } from '../support/helper.js'
import { askForCode, buildWithGateway, skipCooldown } from '../support/sms-helper.js'
import type { App } from '../../src/app.js'

async function dumpKey (app: App, name: string) {
  switch (await app.redis.type(name)) {
    case 'hash': return await app.redis.hgetall(name)
    case 'zset': return await app.redis.zrange(name, '0', '-1', 'WITHSCORES')
    default: return await app.redis.get(name)
  }
}

t.test('a code goes to the gateway, and Redis keeps only its hash, for SMS_CODE_TTL_SECONDS', async (t) => {
  const { app, gateway } = await buildWithGateway(t, { SMS_CODE_TTL_SECONDS: '120' })
  const phone = newPhone()
  const res = await askForCode(app, `  ${phone} `, 'register')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { code: 1, message: 'if the number can receive it, a code is on its way', retry_after: 60 })

  t.equal(gateway.requests.length, 1)
  const [request] = gateway.requests
  t.equal(request?.method, 'POST')
  t.equal(request?.url, '/sms')
  t.match(request?.headers['content-type'], /^application\/json/)
  const message = JSON.parse(request?.body ?? '{}')
  t.same(Object.keys(message).sort(), ['phone_number', 'text'])
  t.equal(message.phone_number, phone, 'the number is trimmed')
  t.match(message.text, /^Your Sesame verification code is \d{6}\. It expires in 2 minutes\.$/)
  const code = gateway.codeFor(phone)

  const key = phoneKeys(phone).smsCode('register')
  const stored = await app.redis.hgetall(key)
  t.same(Object.keys(stored).sort(), ['digest', 'tries'])
  t.equal(stored.tries, '0')
  t.match(stored.digest, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit digest')
  const ttl = await app.redis.pttl(key)
  t.ok(ttl > 115_000 && ttl <= 120_000, `TTL ${ttl} ms`)
  for (const name of await allKeys(app.redis, `sesame:{p${phone}}:*`)) {
    const dump = JSON.stringify(await dumpKey(app, name))
    t.notMatch(dump, new RegExp(`(?<!\\d)${code}(?!\\d)`), `${name} does not hold the code`)
  }
})

t.test('one code per number per 60 s, whatever the purpose: 429 with Retry-After', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone } = await registerUser(app)
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)

  for (const purpose of ['register', 'reset_password'] as const) {
    const res = await askForCode(app, phone, purpose)
    t.equal(res.statusCode, 429, purpose)
    t.same(res.json(), { code: 0, error: 'rate_limited', message: 'too many attempts, please retry later' })
    const retryAfter = Number(res.headers['retry-after'])
    t.ok(Number.isInteger(retryAfter) && retryAfter >= 59 && retryAfter <= 60, `Retry-After ${retryAfter}`)
  }
  t.equal(gateway.requests.length, 1, 'nothing more was sent')

  // Once the minute has passed (shortened here), the next code may be asked for.
  await app.redis.pexpire(phoneKeys(phone).smsCooldown, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await askForCode(app, phone, 'reset_password')).statusCode, 200)
  t.equal(gateway.requests.length, 2)
})

t.test('at most 10 codes a day per number: the 11th is 429 until the first is a day old', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const phone = newPhone()
  const retryAfters = []
  for (let i = 0; i < 10; i++) {
    await skipCooldown(app, phone)
    const res = await askForCode(app, phone, i % 2 === 0 ? 'register' : 'reset_password')
    t.equal(res.statusCode, 200, `code ${i + 1}`)
    retryAfters.push(res.json().retry_after)
  }
  t.same(retryAfters.slice(0, 9), Array(9).fill(60))
  t.ok(retryAfters[9] > 86_300 && retryAfters[9] <= 86_400, `after the 10th code, retry_after is ${retryAfters[9]}`)
  await skipCooldown(app, phone)
  const res = await askForCode(app, phone, 'register')
  t.equal(res.statusCode, 429)
  t.match(res.json(), { code: 0, error: 'rate_limited' })
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter > 86_300 && retryAfter <= 86_400, `Retry-After ${retryAfter}`)
  t.equal(gateway.requests.filter((req) => req.body.includes(phone)).length, 5, 'only the register codes went out (the number is not registered)')

  // The window rolls: once the oldest send is a day old, one more code may go.
  const sent = phoneKeys(phone).smsSent
  const [oldest] = await app.redis.zrange(sent, '0', '0')
  await app.redis.zadd(sent, String(Date.now() - 86_400_001), oldest ?? '')
  t.equal((await askForCode(app, phone, 'register')).statusCode, 200)
})

t.test('the answer is the same for a registered and an unregistered number, and so are the limits', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const { phone: registered } = await registerUser(app)
  const unregistered = newPhone()

  const answers = []
  for (const phone of [registered, unregistered]) {
    const first = await askForCode(app, phone, 'reset_password')
    const second = await askForCode(app, phone, 'reset_password')
    answers.push({
      first: { status: first.statusCode, body: first.body, type: first.headers['content-type'] },
      second: { status: second.statusCode, body: second.body, retryAfter: second.headers['retry-after'] !== undefined }
    })
  }
  t.same(answers[0], answers[1])
  t.equal(answers[0]?.first.status, 200)
  t.equal(answers[0]?.second.status, 429)
  t.same(gateway.requests.map((req) => JSON.parse(req.body).phone_number), [registered], 'only the registered number got an SMS')
  // The unknown number's code is stored like any other, so both answers cost the same; nobody can learn it.
  t.equal(await app.redis.exists(phoneKeys(unregistered).smsCode('reset_password')), 1)
})

t.test('bad input is a 400 in the envelope', async (t) => {
  const { app } = await buildWithGateway(t)
  for (const payload of [
    { phone_number: newPhone(), purpose: 'signup' },
    { phone_number: newPhone() },
    { purpose: 'register' },
    { phone_number: '12ab', purpose: 'register' },
    { phone_number: 15550001234, purpose: 'register' }
  ]) {
    const res = await app.inject({ method: 'POST', url: '/sms/code', payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { code: 0, error: 'validation_failed' })
  }
})

t.test('the new routes are in the OpenAPI document', async (t) => {
  const { app } = await buildWithGateway(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const paths = res.json().paths
  t.ok(paths['/sms/code']?.post, 'POST /sms/code')
  t.ok(paths['/password/reset']?.post, 'POST /password/reset')
})
