import { setTimeout as sleep } from 'node:timers/promises'
import type { Cluster, Redis } from 'ioredis'
import { rateLimited } from '../http/errors.js'
import { defineScripts, script } from '../redis/scripts.js'
import { phoneKeys } from '../redis/keys.js'

/*
 * One hash per budget: `failures` in the window, `checking` (checks in flight) and `contended` (an attempt
 * had to wait or was refused). An attempt is counted before its check runs, in one step, so however many
 * arrive at once, on however many instances, failures + checks in flight never exceed the maximum: at most
 * `max` wrong answers are checked per window (SPEC §4). The window starts at the first attempt.
 * ARGV: window ms, max. Returns [0 go | 1 spent | 2 busy, ms until the window ends].
 */
const ATTEMPT = `
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local checking = tonumber(redis.call('HGET', KEYS[1], 'checking') or '0')
local ttl = redis.call('PTTL', KEYS[1])
if failures + checking >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'contended', 1)
  return { failures >= tonumber(ARGV[2]) and 1 or 2, ttl }
end
redis.call('HINCRBY', KEYS[1], 'checking', 1)
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { 0, redis.call('PTTL', KEYS[1]) }
`

/*
 * ARGV[1]: wrong (one more failure), right (clears the failures, unless the budget was contended: a right
 * answer inside a burst of wrong ones must not reopen the budget for those queued behind it) or released
 * (the check gave no answer, an error). The hash goes once nothing is left in it.
 */
const SETTLE = `
local checking = redis.call('HINCRBY', KEYS[1], 'checking', -1)
if ARGV[1] == 'wrong' then return redis.call('HINCRBY', KEYS[1], 'failures', 1) end
if ARGV[1] == 'right' and redis.call('HEXISTS', KEYS[1], 'contended') == 0 then redis.call('HDEL', KEYS[1], 'failures') end
if checking <= 0 and redis.call('HEXISTS', KEYS[1], 'failures') == 0 and redis.call('HEXISTS', KEYS[1], 'contended') == 0 then
  redis.call('DEL', KEYS[1])
end
return 0
`

/** How long an attempt waits for the checks in flight to settle before it is refused with 429. */
const BUSY_WAIT_MS = 8000

type Outcome = 'wrong' | 'right' | 'released'

export interface CheckOptions {
  /** A right answer clears the failures (a login); a signed-in user's re-check leaves them. Default true. */
  clears?: boolean
  /** Called after a wrong answer with the failures now counted (security events, SPEC §14). */
  onFailure?: (failures: number) => Promise<void>
}

/**
 * The per-account failure budget (SPEC §4), keyed by phone number, in Redis so that every instance shares
 * it. Every route that checks a password or a second factor runs that check through `check`. A login from
 * a known device (`device`: its token digest) has a budget of its own, so strangers cannot lock it out.
 */
export function createLoginFailureCounter (redis: Redis | Cluster, settings: { maxFailures: number, windowSeconds: number }) {
  const run = defineScripts(redis, {
    sesameLoginAttempt: script<[number, number]>(1, ATTEMPT),
    sesameLoginAttemptSettle: script<number>(1, SETTLE)
  })
  const keyOf = (phoneNumber: string, device?: string) =>
    device === undefined ? phoneKeys(phoneNumber).loginBudget : phoneKeys(phoneNumber).deviceLoginBudget(device)

  /** Counts one attempt, waiting while the budget is taken by checks in flight; returns seconds blocked (0: go). */
  async function attempt (key: string) {
    const giveUp = Date.now() + BUSY_WAIT_MS
    for (;;) {
      const [state, ttlMs] = await run.sesameLoginAttempt(key, settings.windowSeconds * 1000, settings.maxFailures)
      if (state === 0) return 0
      if (state === 1) return Math.max(1, Math.ceil(ttlMs / 1000))
      if (Date.now() > giveUp) return 1
      await sleep(10 + Math.random() * 20)
    }
  }

  return {
    /**
     * Runs one check inside the budget: 429 once it is spent, else the check's answer. A wrong answer
     * counts as a failure; a right login (`clears`) clears the budget it drew on (a known device's own one
     * leaves a stranger's lockout of the number in place), a signed-in user's re-check does not.
     */
    async check (phoneNumber: string, device: string | undefined, verify: () => Promise<boolean>, options: CheckOptions = {}) {
      const { clears = true, onFailure } = options
      const key = keyOf(phoneNumber, device)
      const blockedFor = await attempt(key)
      if (blockedFor > 0) throw rateLimited(blockedFor)
      let outcome: Outcome | undefined
      let failures = 0
      try {
        outcome = await verify() ? (clears ? 'right' : 'released') : 'wrong'
      } finally {
        failures = await run.sesameLoginAttemptSettle(key, outcome ?? 'released')
      }
      if (outcome === 'wrong') await onFailure?.(failures)
      return outcome !== 'wrong'
    },
    /** After a reset proven by an SMS code, or a deletion: the number's shared budget starts afresh. */
    async reset (phoneNumber: string) {
      await redis.del(keyOf(phoneNumber))
    }
  }
}

export type LoginFailureCounter = ReturnType<typeof createLoginFailureCounter>
