import type { Cluster, Redis } from 'ioredis'
import { defineScripts, script } from '../redis/scripts.js'
import { phoneKeys } from '../redis/keys.js'

// [failures so far, ms until the window ends]
const CHECK = `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
return { failures, redis.call('PTTL', KEYS[1]) }
`

// The window starts at the first failure and is not extended by later ones.
const RECORD = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return failures
`

/**
 * Failed logins per phone number, in Redis so that every instance shares them. After `maxFailures`
 * within `windowSeconds`, `check` reports how long logins for that number stay blocked. A login from a
 * known device (`device`: its token digest) has a budget of its own, so strangers cannot lock it out (SPEC §4).
 */
export function createLoginFailureCounter (redis: Redis | Cluster, settings: { maxFailures: number, windowSeconds: number }) {
  const run = defineScripts(redis, {
    sesameLoginFailuresCheck: script<[number, number]>(1, CHECK),
    sesameLoginFailureRecord: script<number>(1, RECORD)
  })
  const keyOf = (phoneNumber: string, device?: string) =>
    device === undefined ? phoneKeys(phoneNumber).loginFailures : phoneKeys(phoneNumber).deviceLoginFailures(device)
  return {
    /** How many failures are on record, and for how many whole seconds logins are blocked (0: not blocked). */
    async check (phoneNumber: string, device?: string) {
      const [failures, ttlMs] = await run.sesameLoginFailuresCheck(keyOf(phoneNumber, device))
      const blockedFor = failures >= settings.maxFailures ? Math.max(1, Math.ceil(ttlMs / 1000)) : 0
      return { failures, blockedFor }
    },
    async record (phoneNumber: string, device?: string) {
      return await run.sesameLoginFailureRecord(keyOf(phoneNumber, device), settings.windowSeconds * 1000)
    },
    /** A success clears the budget it drew on: a known device's own one leaves a stranger's lockout in place. */
    async clear (phoneNumber: string, device?: string) {
      await redis.del(keyOf(phoneNumber, device))
    }
  }
}

export type LoginFailureCounter = ReturnType<typeof createLoginFailureCounter>
