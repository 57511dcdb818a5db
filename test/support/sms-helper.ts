import type { SmsPurpose } from '../../src/sms/codes.js'
import { phoneKeys } from '../../src/redis/keys.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build, type Teardown } from './helper.js'
import type { App } from '../../src/app.js'
import type { RawEnv } from '../../src/config/env.js'

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** How the fake gateway answers the next request: a status code, or 'hang' to never answer. */
export type GatewayAnswer = number | 'hang'

/**
 * A local HTTP server standing in for an SMS gateway (the webhook, or Twilio's API). It records every
 * request, answers from `answers` in turn (then `fallback`), and with `reply` sends a JSON body.
 */
export async function startGateway (t: Teardown, reply: (req: ReceivedRequest) => unknown = () => ({ ok: true })) {
  const requests: ReceivedRequest[] = []
  const gateway = {
    url: '',
    requests,
    answers: [] as GatewayAnswer[],
    fallback: 200 as GatewayAnswer,
    /** The 6-digit code in the last text sent to `phone` through the webhook. */
    codeFor (phone: string): string {
      const texts = requests.map((req) => JSON.parse(req.body) as { phone_number: string, text: string })
        .filter((message) => message.phone_number === phone)
      const code = /\b(\d{6})\b/.exec(texts.at(-1)?.text ?? '')?.[1]
      if (code === undefined) throw new Error(`no code was sent to ${phone}`)
      return code
    }
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      requests.push(received)
      const answer = gateway.answers.shift() ?? gateway.fallback
      if (answer === 'hang') return
      res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify(reply(received)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return gateway
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>

/** The app with the webhook provider pointed at a fresh fake gateway. */
export async function buildWithGateway (t: Teardown, env: RawEnv = {}) {
  const gateway = await startGateway(t)
  const app = await build(t, { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/sms`, ...env })
  return { app, gateway }
}

/** POST /sms/code, then waits until the delivery queue has sent (or failed) the text: the reply does not wait for it. */
export async function askForCode (app: App, phone: string, purpose: SmsPurpose, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/sms/code', payload: { phone_number: phone, purpose }, headers })
  await app.smsDelivery.drain()
  return res
}

/** Asks for a code and returns it as the gateway received it. */
export async function codeFor (app: App, gateway: Gateway, phone: string, purpose: SmsPurpose, headers: Record<string, string> = {}) {
  const res = await askForCode(app, phone, purpose, headers)
  if (res.statusCode !== 200) throw new Error(`POST /sms/code failed: ${res.statusCode} ${res.body}`)
  return gateway.codeFor(phone)
}

/** A 6-digit code other than `code`. */
export const wrongCode = (code: string, offset = 1) => String((Number(code) + offset) % 1_000_000).padStart(6, '0')

/** Lets the next code for `phone` be asked for at once, as if the 60 s had passed. */
export const skipCooldown = (app: App, phone: string) => app.redis.del(phoneKeys(phone).smsCooldown)
