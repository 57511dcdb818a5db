import t from 'tap'
import { build, newPhone, registerUser, type App, type Teardown } from './support/helper.js'
import { startGateway } from './support/sms-helper.js'
import { counter, phoneIn, siblingsOf, smsCode, sum } from './support/sms-abuse-helper.js'
import { freePort } from '../src/dev/local-services.js'
import { smsBudgetKeys } from '../src/redis/keys.js'
import type { RawEnv } from '../src/config/env.js'

/** Two instances sharing this file's MySQL and Redis, both sending to one fake gateway, with metrics. */
async function twoInstances (t: Teardown, env: RawEnv = {}, logs: string[][] = [[], []]) {
  const gateway = await startGateway(t)
  const apps: App[] = []
  for (const lines of logs) {
    apps.push(await build(t, {
      SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/sms`, METRICS_PORT: String(await freePort()), LOG_LEVEL: 'error', ...env
    }, { logger: undefined, logStream: { write: (line) => { lines.push(line) } } }))
  }
  return { apps, gateway, app: (i: number) => apps[i % 2] as App }
}

const sentTo = (gateway: { requests: Array<{ body: string }> }) =>
  gateway.requests.map((req) => (JSON.parse(req.body) as { phone_number: string }).phone_number)

t.test('the prefix budget is shared by two instances; the next request gets 429 with Retry-After', async (t) => {
  const { apps, gateway, app } = await twoInstances(t, { SMS_LIMIT_PER_PREFIX_HOURLY: '3' })
  const sibling = siblingsOf(newPhone())
  for (let i = 0; i < 3; i++) t.equal((await smsCode(app(i), { phone_number: sibling(i), purpose: 'register' })).statusCode, 200)
  for (let i = 3; i < 5; i++) {
    const res = await smsCode(app(i), { phone_number: sibling(i), purpose: 'register' })
    t.equal(res.statusCode, 429)
    t.match(res.json(), { code: 0, error: 'rate_limited' })
    const retryAfter = Number(res.headers['retry-after'])
    t.ok(Number.isInteger(retryAfter) && retryAfter > 3000 && retryAfter <= 3600, `Retry-After ${retryAfter} s: until the oldest code leaves the hour`)
  }
  t.same(sentTo(gateway).sort(), [sibling(0), sibling(1), sibling(2)], 'only the granted codes reached the gateway')
  t.equal(await sum(apps, 'smsRefused', { limit: 'prefix' }), 2)
  t.equal(await sum(apps, 'smsSent'), 3)
  const other = newPhone()
  t.equal((await smsCode(app(0), { phone_number: other, purpose: 'register' })).statusCode, 200, 'another prefix has its own budget')
})

t.test('concurrent requests on two instances never get more than the prefix budget', async (t) => {
  const { gateway, app } = await twoInstances(t, { SMS_LIMIT_PER_PREFIX_HOURLY: '5' })
  const sibling = siblingsOf(newPhone())
  const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => smsCode(app(i), { phone_number: sibling(i), purpose: 'register' })))
  t.equal(replies.filter((res) => res.statusCode === 200).length, 5)
  t.equal(replies.filter((res) => res.statusCode === 429).length, 19)
  t.equal(gateway.requests.length, 5)
})

t.test('no enumeration: registered and unknown numbers spend the budget alike and get the same refusal', async (t) => {
  const { gateway, app } = await twoInstances(t, { SMS_LIMIT_PER_PREFIX_HOURLY: '2' })
  const sibling = siblingsOf(newPhone())
  await registerUser(app(0), sibling(1))
  await registerUser(app(0), sibling(3))
  const unknownOk = await smsCode(app(0), { phone_number: sibling(0), purpose: 'reset_password' })
  const registeredOk = await smsCode(app(1), { phone_number: sibling(1), purpose: 'reset_password' })
  t.equal(unknownOk.statusCode, 200)
  t.same(unknownOk.json(), registeredOk.json())
  t.same(sentTo(gateway), [sibling(1)], 'only the registered number was sent a code, yet both spent the budget')
  const unknownRefused = await smsCode(app(1), { phone_number: sibling(2), purpose: 'reset_password' })
  const registeredRefused = await smsCode(app(0), { phone_number: sibling(3), purpose: 'reset_password' })
  t.equal(unknownRefused.statusCode, 429)
  t.equal(registeredRefused.statusCode, 429)
  t.same(unknownRefused.json(), registeredRefused.json())
  t.ok(Math.abs(Number(unknownRefused.headers['retry-after']) - Number(registeredRefused.headers['retry-after'])) <= 2)
  t.equal(gateway.requests.length, 1)
})

t.test('a request the number\'s own limits refuse gives its budgets back', async (t) => {
  const { gateway, app } = await twoInstances(t, { SMS_LIMIT_PER_PREFIX_HOURLY: '2' })
  const sibling = siblingsOf(newPhone())
  t.equal((await smsCode(app(0), { phone_number: sibling(0), purpose: 'register' })).statusCode, 200)
  for (let i = 0; i < 3; i++) t.equal((await smsCode(app(i), { phone_number: sibling(0), purpose: 'register' })).statusCode, 429, 'per-number cooldown')
  t.equal((await smsCode(app(1), { phone_number: sibling(1), purpose: 'register' })).statusCode, 200, 'the cooldown refusals spent no prefix budget')
  t.equal((await smsCode(app(0), { phone_number: sibling(2), purpose: 'register' })).statusCode, 429)
  t.equal(gateway.requests.length, 2)
  t.equal(await counter(app(0), 'smsRefused', { limit: 'cooldown' }) + await counter(app(1), 'smsRefused', { limit: 'cooldown' }), 3)
})

t.test('the country budget is shared by two instances, and its refusal gives the prefix budget back', async (t) => {
  const { apps, gateway, app } = await twoInstances(t, { SMS_LIMIT_PER_COUNTRY_HOURLY: '3', SMS_LIMIT_PER_PREFIX_HOURLY: '4' })
  const numbers = Array.from({ length: 3 }, () => phoneIn('ES'))
  for (const [i, phone] of numbers.entries()) t.equal((await smsCode(app(i), { phone_number: phone, purpose: 'register' })).statusCode, 200)
  const sibling = siblingsOf(phoneIn('ES'))
  for (let i = 0; i < 4; i++) {
    const res = await smsCode(app(i), { phone_number: sibling(i), purpose: 'register' })
    t.equal(res.statusCode, 429)
    t.ok(Number(res.headers['retry-after']) > 3000)
  }
  t.equal(gateway.requests.length, 3)
  t.equal(await sum(apps, 'smsRefused', { limit: 'country' }), 4)
  t.equal(await sum(apps, 'smsRefused', { limit: 'prefix' }), 0, 'the prefix budget was given back each time')
  t.equal(await apps[0]?.redis.zcard(smsBudgetKeys.prefix(sibling(0).slice(0, -4))), 0)
  t.equal((await smsCode(app(0), { phone_number: phoneIn('JP'), purpose: 'register' })).statusCode, 200, 'another country has its own budget')
})

t.test('the daily cap covers every number on every instance, and logs at error level once', async (t) => {
  const logs: string[][] = [[], []]
  const { apps, gateway, app } = await twoInstances(t, { SMS_LIMIT_DAILY: '3' }, logs)
  const redis = apps[0]?.redis
  const reset = () => redis?.del(smsBudgetKeys.daily, smsBudgetKeys.dailyAlarm)
  await reset()
  t.teardown(reset) // the other tests of this file run under the default cap
  for (let i = 0; i < 3; i++) t.equal((await smsCode(app(i), { phone_number: phoneIn(i === 0 ? 'FR' : 'DE'), purpose: 'register' })).statusCode, 200)
  for (let i = 0; i < 6; i++) {
    const res = await smsCode(app(i), { phone_number: i % 3 === 0 ? newPhone() : phoneIn('IT'), purpose: 'register' })
    t.equal(res.statusCode, 429)
    const retryAfter = Number(res.headers['retry-after'])
    t.ok(retryAfter > 86_000 && retryAfter <= 86_400, `Retry-After ${retryAfter} s: until the oldest code leaves the day`)
  }
  t.equal(gateway.requests.length, 3)
  const alarms = logs.flat().map((line) => JSON.parse(line) as { level: number, msg: string }).filter((entry) => /SMS_LIMIT_DAILY/.test(entry.msg))
  t.equal(alarms.length, 1, 'one error line across both instances, not one per request')
  t.equal(alarms[0]?.level, 50, 'at error level')
  t.equal(await sum(apps, 'smsDailyCapReached'), 1)
  t.equal(await sum(apps, 'smsRefused', { limit: 'global_daily' }), 6)
})
