import type { Cluster, Redis, Result } from 'ioredis'
import { defineScripts } from '../redis/scripts.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    sesameLoginFailuresCheck(key: string): Result<[number, number], Context>
    sesameLoginFailureRecord(key: string, windowMs: number): Result<number, Context>
  }
}

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

/** The counter key of a phone number; other per-number state shares its hash tag `{p<number>}`. */
export const loginFailuresKey = (phoneNumber: string) => `sesame:{p${phoneNumber}}:login-failures`

/**
 * Failed logins per phone number, in Redis so that every instance shares them. After `maxFailures`
 * within `windowSeconds`, `check` reports how long logins for that number stay blocked.
 */
export function createLoginFailureCounter (redis: Redis | Cluster, settings: { maxFailures: number, windowSeconds: number }) {
  defineScripts(redis, {
    sesameLoginFailuresCheck: { keys: 1, lua: CHECK },
    sesameLoginFailureRecord: { keys: 1, lua: RECORD }
  })
  return {
    /** How many failures are on record, and for how many whole seconds logins are blocked (0: not blocked). */
    async check (phoneNumber: string) {
      const [failures, ttlMs] = await redis.sesameLoginFailuresCheck(loginFailuresKey(phoneNumber))
      const blockedFor = failures >= settings.maxFailures ? Math.max(1, Math.ceil(ttlMs / 1000)) : 0
      return { failures, blockedFor }
    },
    async record (phoneNumber: string) {
      return await redis.sesameLoginFailureRecord(loginFailuresKey(phoneNumber), settings.windowSeconds * 1000)
    },
    async clear (phoneNumber: string) {
      await redis.del(loginFailuresKey(phoneNumber))
    }
  }
}

export type LoginFailureCounter = ReturnType<typeof createLoginFailureCounter>
