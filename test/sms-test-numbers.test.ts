import t from 'tap'
import { build, newPhone, PASSWORD, registerUser, type Teardown } from './support/helper.js'
import { buildWithGateway, skipCooldown } from './support/sms-helper.js'
import { smsCode } from './support/sms-abuse-helper.js'
import { createTestNumbers } from '../src/sms/test-numbers.js'
import { loadConfig, type RawEnv } from '../src/config/env.js'

const FUTURE = new Date(Date.now() + 7 * 86_400_000).toISOString()
const PAST = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

async function withTestNumber (t: Teardown, env: RawEnv = {}) {
  const phone = newPhone()
  const other = newPhone()
  const built = await buildWithGateway(t, { SMS_TEST_NUMBERS: `${other}=135791,${phone}=246810`, ...env })
  return { ...built, phone }
}

const register = (app: Awaited<ReturnType<typeof build>>, phone: string, code: string) =>
  app.inject({ method: 'POST', url: '/register', payload: { phone_number: phone, password: PASSWORD, sms_code: code } })

for (const [label, env] of [['outside production, with no date', {}], ['under NODE_ENV=production, before SMS_TEST_NUMBERS_UNTIL', { NODE_ENV: 'production', SMS_TEST_NUMBERS_UNTIL: FUTURE }]] as const) {
  t.test(`${label}: a test number reaches no gateway and takes its fixed code, for every purpose`, async (t) => {
    const { app, gateway, phone } = await withTestNumber(t, { PHONE_VERIFICATION: 'required', ...env })
    const asked = await smsCode(app, { phone_number: phone, purpose: 'register' })
    t.equal(asked.statusCode, 200)
    t.match(asked.json(), { code: 1, retry_after: 60 })
    t.equal((await register(app, phone, '246811')).statusCode, 400, 'a wrong code is still wrong')
    t.equal((await register(app, phone, '246810')).statusCode, 201)
    await skipCooldown(app, phone)
    t.equal((await smsCode(app, { phone_number: phone, purpose: 'reset_password' })).statusCode, 200)
    const reset = await app.inject({ method: 'POST', url: '/password/reset', payload: { phone_number: phone, sms_code: '246810', new_password: 'another good password' } })
    t.equal(reset.statusCode, 200)
    t.equal(gateway.requests.length, 0, 'nothing was sent')
    t.equal((await smsCode(app, { phone_number: phone, purpose: 'register' })).statusCode, 429, 'the per-number cooldown of SPEC §9 still holds')
  })
}

for (const [label, env] of [['under NODE_ENV=production', { NODE_ENV: 'production' }], ['outside production', {}]] as const) {
  t.test(`${label}, after SMS_TEST_NUMBERS_UNTIL: a test number is an ordinary number`, async (t) => {
    const { app, gateway, phone } = await withTestNumber(t, { SMS_TEST_NUMBERS_UNTIL: PAST, ...env })
    t.equal((await smsCode(app, { phone_number: phone, purpose: 'register' })).statusCode, 200)
    t.equal(gateway.requests.length, 1, 'the code went to the gateway')
    const sent = gateway.codeFor(phone)
    if (sent !== '246810') t.equal((await register(app, phone, '246810')).statusCode, 400, 'the fixed code no longer works')
    t.equal((await register(app, phone, sent)).statusCode, 201)
  })
}

t.test('test numbers skip the SMS cost defences (nothing is sent) but not the other numbers\' rules', async (t) => {
  const phone = newPhone()
  const { app, gateway } = await buildWithGateway(t, { SMS_TEST_NUMBERS: `${phone}=246810`, SMS_ALLOWED_COUNTRIES: 'FR', SMS_LIMIT_PER_PREFIX_HOURLY: '1' })
  t.equal((await smsCode(app, { phone_number: phone, purpose: 'register' })).statusCode, 200)
  const { phone: registered } = await registerUser(app, newPhone())
  t.equal((await smsCode(app, { phone_number: registered, purpose: 'reset_password' })).statusCode, 400, 'an ordinary number of the same country is refused')
  t.equal(gateway.requests.length, 0)
})

t.test('under NODE_ENV=production, test numbers without SMS_TEST_NUMBERS_UNTIL stop the boot, naming it', async (t) => {
  await t.rejects(build(t, { NODE_ENV: 'production', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms', SMS_TEST_NUMBERS: `${newPhone()}=246810` }), /SMS_TEST_NUMBERS_UNTIL/)
  const env = { MYSQL_URL: 'mysql://x@127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms', SMS_TEST_NUMBERS: '+15550100001=246810' }
  t.throws(() => loadConfig({ ...env, NODE_ENV: 'production' }), /env\/SMS_TEST_NUMBERS_UNTIL is required/)
  t.throws(() => loadConfig({ ...env, SMS_TEST_NUMBERS_UNTIL: '2026-13-45' }), /env\/SMS_TEST_NUMBERS_UNTIL must be a valid/)
  t.doesNotThrow(() => loadConfig({ ...env, NODE_ENV: 'production', SMS_TEST_NUMBERS_UNTIL: '2030-01-01' }))
  t.doesNotThrow(() => loadConfig({ ...env, NODE_ENV: 'production', SMS_TEST_NUMBERS: undefined }))
  t.doesNotThrow(() => loadConfig(env), 'outside production no date is needed')
  const numbers = createTestNumbers({ SMS_TEST_NUMBERS: '+15550100001=246810', SMS_TEST_NUMBERS_UNTIL: '2030-01-01' })
  t.equal(numbers.codeFor('+15550100001', Date.parse('2029-12-31T23:59:59Z')), '246810')
  t.equal(numbers.codeFor('+15550100001', Date.parse('2030-01-01T00:00:00Z')), undefined)
  t.equal(numbers.codeFor('+15550100002', Date.parse('2029-01-01')), undefined)
})
