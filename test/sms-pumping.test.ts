import t from 'tap'
import { randomInt } from 'node:crypto'
import { build, newPhone, type App } from './support/helper.js'
import { startGateway } from './support/sms-helper.js'
import { phoneIn, siblingsOf, smsCode, sum } from './support/sms-abuse-helper.js'
import { freePort } from '../src/dev/local-services.js'
import { countryOf, prefixOf } from '../src/sms/country.js'
import { SMS_LIMITS } from '../src/observability/metrics.js'

const PREFIX_BUDGET = 20
const COUNTRY_BUDGET = 40

t.test('an SMS pumping burst: 500 requests over one prefix and a few countries from 500 IPs on two instances', async (t) => {
  const gateway = await startGateway(t)
  const apps: App[] = []
  for (let i = 0; i < 2; i++) {
    apps.push(await build(t, {
      SMS_PROVIDER: 'webhook',
      SMS_WEBHOOK_URL: `${gateway.url}/sms`,
      METRICS_PORT: String(await freePort()),
      TRUST_PROXY: 'true',
      IP_RATE_LIMIT_PER_MINUTE: '5', // the per-IP cap of SPEC §4 cannot stop a burst spread over many addresses
      SMS_LIMIT_PER_PREFIX_HOURLY: String(PREFIX_BUDGET),
      SMS_LIMIT_PER_COUNTRY_HOURLY: String(COUNTRY_BUDGET)
    }))
  }
  const sibling = siblingsOf(newPhone())
  const target = prefixOf(sibling(0))
  const numbers = [
    ...Array.from({ length: 300 }, (_, i) => sibling(i)),
    ...Array.from({ length: 200 }, (_, i) => phoneIn((['FR', 'GB', 'DE'] as const)[i % 3] ?? 'FR'))
  ].sort(() => randomInt(0, 3) - 1)

  const statuses: Record<number, number> = {}
  for (let start = 0; start < numbers.length; start += 50) {
    const batch = numbers.slice(start, start + 50).map((phone, i) => smsCode(apps[(start + i) % 2] as App,
      { phone_number: phone, purpose: 'register' },
      { 'x-forwarded-for': `198.51.${Math.floor((start + i) / 250)}.${(start + i) % 250}` }))
    for (const res of await Promise.all(batch)) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
  }

  const sent = gateway.requests.map((req) => (JSON.parse(req.body) as { phone_number: string }).phone_number)
  const toTarget = sent.filter((phone) => prefixOf(phone) === target).length
  const byCountry: Record<string, number> = {}
  for (const phone of sent) byCountry[countryOf(phone)] = (byCountry[countryOf(phone)] ?? 0) + 1
  const refused: Record<string, number> = {}
  for (const limit of SMS_LIMITS) refused[limit] = await sum(apps, 'smsRefused', { limit })

  t.comment(`pumping burst: ${numbers.length} requests, replies by status ${JSON.stringify(statuses)}`)
  t.comment(`reached the gateway: ${sent.length} in all, ${toTarget} to the pumped prefix ${target} (budget ${PREFIX_BUDGET}), by country ${JSON.stringify(byCountry)} (budget ${COUNTRY_BUDGET} each)`)
  t.comment(`metrics: sesame_sms_codes_sent_total ${await sum(apps, 'smsSent')}, sesame_sms_codes_refused_total ${JSON.stringify(refused)}`)

  t.equal(toTarget, PREFIX_BUDGET, 'the pumped prefix got exactly its budget, no more')
  for (const country of ['FR', 'GB', 'DE']) t.ok((byCountry[country] ?? 0) <= COUNTRY_BUDGET, `${country}: ${byCountry[country]} ≤ ${COUNTRY_BUDGET}`)
  t.equal(statuses[200], sent.length, 'every 200 is one message at the gateway')
  t.equal((statuses[429] ?? 0) + sent.length, numbers.length, 'everything else was 429')
  t.equal(await sum(apps, 'smsSent'), sent.length)
  t.equal(refused.prefix ?? 0, 300 - PREFIX_BUDGET)
  t.equal((refused.prefix ?? 0) + (refused.country ?? 0), numbers.length - sent.length)
})
