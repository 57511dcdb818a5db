/* The fake SMS gateway that SMS_WEBHOOK_URL points at: it accepts every text and remembers the last code per number. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Gateway {
  url: string
  received: number
  /** The code in the newest text to `phone` that arrived at or after `since`, waiting up to `ms` for it. */
  codeFor: (phone: string, since: number, ms?: number) => Promise<string | undefined>
  close: () => Promise<void>
}

export async function startGateway (): Promise<Gateway> {
  const codes = new Map<string, { code: string, at: number }>()
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      gateway.received++
      try {
        const message = JSON.parse(body) as { phone_number?: string, text?: string }
        const code = /\b(\d{6})\b/.exec(message.text ?? '')?.[1]
        if (code !== undefined && message.phone_number !== undefined) codes.set(message.phone_number, { code, at: Date.now() })
      } catch {} // not JSON: counted, ignored
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const gateway: Gateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    received: 0,
    async codeFor (phone, since, ms = 3000) {
      const deadline = Date.now() + ms
      while (Date.now() < deadline) {
        const found = codes.get(phone)
        if (found !== undefined && found.at >= since) return found.code
        await sleep(50)
      }
      return undefined
    },
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
  return gateway
}
