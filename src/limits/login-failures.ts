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
 * within `windowSeconds`, `check` reports how long logins for that number stay blocked.
 */
export function createLoginFailureCounter (redis: Redis | Cluster, settings: { maxFailures: number, windowSeconds: number }) {
  const run = defineScripts(redis, {
    sesameLoginFailuresCheck: script<[number, number]>(1, CHECK),
    sesameLoginFailureRecord: script<number>(1, RECORD)
  })
  return {
    /** How many failures are on record, and for how many whole seconds logins are blocked (0: not blocked). */
    async check (phoneNumber: string) {
      const [failures, ttlMs] = await run.sesameLoginFailuresCheck(phoneKeys(phoneNumber).loginFailures)
      const blockedFor = failures >= settings.maxFailures ? Math.max(1, Math.ceil(ttlMs / 1000)) : 0
      return { failures, blockedFor }
    },
    async record (phoneNumber: string) {
      return await run.sesameLoginFailureRecord(phoneKeys(phoneNumber).loginFailures, settings.windowSeconds * 1000)
    },
    async clear (phoneNumber: string) {
      await redis.del(phoneKeys(phoneNumber).loginFailures)
    }
  }
}

export type LoginFailureCounter = ReturnType<typeof createLoginFailureCounter>
