/*
 * The revocation scenario (issue 12): 1,000 logouts on instance A, each then tried on instance B, a
 * second Sesame on the same Redis and MySQL. For each seeded token: GET /user on B (200, so a B that
 * keeps resolved sessions in memory has this one), POST /logout on A (200), then GET /user on B again
 * and again, with no pause, until B answers 401. The reading is the time from A's reply to B's first
 * 401; requests B still answered 200 after A's reply are counted. A few lanes run side by side.
 */
import { performance } from 'node:perf_hooks'

export interface RevocationResult {
  logouts: number
  p50: number
  p99: number
  max: number
  /** GET /user on B answered 200 after A had answered the logout. */
  acceptedAfterLogout: number
  /** Tokens B still accepted when GIVE_UP_MS had passed. */
  neverRefused: number
}

const GIVE_UP_MS = 2000
const LANES = 10

async function status (url: string, init: RequestInit): Promise<number> {
  const res = await fetch(url, init)
  await res.arrayBuffer()
  return res.status
}

/** Logs `token` out on A and returns the ms until B refuses it, or NaN if it never did. */
async function revokeOnce (a: string, b: string, token: string, counts: { accepted: number }): Promise<number> {
  const get = { headers: { token } }
  const warm = await status(`${b}/user`, get)
  if (warm !== 200) throw new Error(`a seeded token was refused by instance B before its logout: ${warm}`)
  const logout = await status(`${a}/logout`, { method: 'POST', headers: { token } })
  if (logout !== 200) throw new Error(`POST /logout on instance A answered ${logout}`)
  const loggedOutAt = performance.now()
  while (performance.now() - loggedOutAt < GIVE_UP_MS) {
    const seen = await status(`${b}/user`, get)
    if (seen === 401) return performance.now() - loggedOutAt
    if (seen !== 200) throw new Error(`GET /user on instance B answered ${seen}`)
    counts.accepted++
  }
  return Number.NaN
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN

/** Every token in `tokens` logged out on `a` and watched on `b`, LANES at a time. */
export async function measureRevocation (a: string, b: string, tokens: string[]): Promise<RevocationResult> {
  const counts = { accepted: 0 }
  const delays: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: LANES }, async () => {
    while (next < tokens.length) {
      const token = tokens[next++] ?? ''
      delays.push(await revokeOnce(a, b, token, counts))
    }
  }))
  const refused = delays.filter((ms) => !Number.isNaN(ms)).sort((x, y) => x - y)
  const neverRefused = delays.length - refused.length
  // A token never refused counts as the worst delay there is.
  const sorted = [...refused, ...Array.from({ length: neverRefused }, () => Number.POSITIVE_INFINITY)]
  return {
    logouts: delays.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    acceptedAfterLogout: counts.accepted,
    neverRefused
  }
}

export const revocationLine = (result: RevocationResult) =>
  `revocation: ${result.logouts} logouts on instance A; instance B refused the token after p50 ${result.p50.toFixed(1)} ms, ` +
  `p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms; B answered 200 ${result.acceptedAfterLogout} times after A's logout reply` +
  (result.neverRefused > 0 ? `; ${result.neverRefused} tokens still accepted after ${GIVE_UP_MS} ms` : '')
