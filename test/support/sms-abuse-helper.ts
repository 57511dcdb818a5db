import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomInt } from 'node:crypto'
import type { Teardown, App } from './helper.js'

const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join('')

/** A random mobile number of one of a few countries, in E.164 (possible and valid for libphonenumber). */
const MOBILE: Record<string, () => string> = {
  FR: () => `+336${digits(8)}`,
  DE: () => `+49151${digits(8)}`,
  GB: () => `+4474${digits(8)}`,
  ES: () => `+346${digits(8)}`,
  JP: () => `+8190${digits(8)}`,
  IT: () => `+393${digits(9)}`
}
export const phoneIn = (country: keyof typeof MOBILE) => {
  const make = MOBILE[country]
  if (make === undefined) throw new Error(`no number format for ${country}`)
  return make()
}

/** Numbers that share the prefix of `base` (all but its last 4 digits): `sibling(i)` ends in i. */
export const siblingsOf = (base: string) => (i: number) => `${base.slice(0, -4)}${String(i).padStart(4, '0')}`

export interface VerifierRequest { headers: IncomingMessage['headers'], body: string }
/** How the fake verifier answers: status and raw body, or 'hang' (never answers). */
export type VerifierAnswer = { status: number, body: string } | 'hang'

/** A local HTTP server standing in for the operator's challenge verifier; it records what it is sent. */
export async function startVerifier (t: Teardown) {
  const verifier = {
    url: '',
    requests: [] as VerifierRequest[],
    answer: { status: 200, body: '{"ok":true}' } as VerifierAnswer
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      verifier.requests.push({ headers: req.headers, body })
      const answer = verifier.answer
      if (answer === 'hang') return
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  verifier.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return verifier
}

/** The value of an SMS counter series on one app (0 if absent). */
export async function counter (app: App, name: 'smsSent' | 'smsFailed' | 'smsVerified' | 'smsRefused' | 'smsDailyCapReached', labels: Record<string, string> = {}) {
  const metrics = app.metrics
  if (metrics === null) throw new Error('build the app with METRICS_PORT set')
  const { values } = await metrics[name].get()
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => String((value.labels as Record<string, unknown>)[key]) === wanted))
    .reduce((sum, value) => sum + value.value, 0)
}

export const sum = async (apps: App[], ...args: Parameters<typeof counter> extends [App, ...infer R] ? R : never) =>
  (await Promise.all(apps.map((app) => counter(app, ...args)))).reduce((a, b) => a + b, 0)

/** POST /sms/code, then waits for the delivery queue: the reply does not wait for the gateway. */
export async function smsCode (app: App, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/sms/code', payload, headers })
  await app.smsDelivery.drain()
  return res
}
