import { createHash } from 'node:crypto'
import { serviceUnavailable } from '../http/errors.js'

export interface BreachSettings {
  /** A Have I Been Pwned-compatible range API; absent: no breach check. */
  url?: string
  /** What an unreachable service means: true accepts the password, false refuses the request with 503. */
  failOpen: boolean
  timeoutMs?: number
}

/**
 * k-anonymity (HIBP range API): only the first 5 hex characters of the password's SHA-1 leave the server;
 * the reply lists `SUFFIX:COUNT` lines for every breached hash with that prefix, compared here.
 */
export function createBreachCheck (settings: BreachSettings, log?: { warn: (obj: object, msg: string) => void }) {
  const base = settings.url?.replace(/\/+$/, '')
  return async function isBreached (password: string): Promise<boolean> {
    if (base === undefined) return false
    const hash = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase()
    const prefix = hash.slice(0, 5)
    const suffix = hash.slice(5)
    let body: string
    try {
      const res = await fetch(`${base}/range/${prefix}`, {
        headers: { 'add-padding': 'true' },
        signal: AbortSignal.timeout(settings.timeoutMs ?? 1000)
      })
      if (!res.ok) throw new Error(`range API answered ${res.status}`)
      body = await res.text()
    } catch (err) {
      log?.warn({ err: { message: (err as Error).message } }, 'breached-password check unavailable')
      if (settings.failOpen) return false
      throw serviceUnavailable()
    }
    for (const line of body.split('\n')) {
      const [lineSuffix = '', count = '0'] = line.trim().split(':')
      if (lineSuffix.toUpperCase() === suffix && Number(count) > 0) return true
    }
    return false
  }
}
