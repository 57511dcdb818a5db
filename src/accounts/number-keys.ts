import type { Cluster, Redis } from 'ioredis'
import { defineScripts, script } from '../redis/scripts.js'
import { phoneKeys } from '../redis/keys.js'

/**
 * KEYS: login failures, devices index, then the number's login, reset_password and delete_account codes.
 * ARGV: device prefix, device-budget prefix. Forgets what the old number held for the account: its known
 * devices (with their own failure budgets) and codes; returns the failure count and its PTTL, then deletes it.
 */
const FORGET = `
for _, digest in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[1] .. digest, ARGV[2] .. digest)
end
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return { failures, ttl }
`

/** KEYS: login failures. ARGV: count, ttlMs. The new number's count is at least `count`, until at least `ttlMs` from now. */
const CARRY = `
local count, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[1]) or '0') >= count then return 0 end
redis.call('SET', KEYS[1], count, 'PX', math.max(ttl, redis.call('PTTL', KEYS[1])))
return 1
`

/**
 * The keys built from a phone number when the account moves to another (SPEC §10). The account's failed-login
 * count goes with it, so a number change never resets a lockout in progress; known devices and pending codes
 * of the old number are dropped (a device gets a fresh device token at its next login, as after a password
 * change). The number's own SMS limits (cooldown, daily count) stay with it: they are about the number, not the
 * account. The two numbers have different hash tags, so this is two scripts, each atomic.
 */
export function createNumberKeys (redis: Redis | Cluster) {
  const run = defineScripts(redis, {
    sesameForgetNumber: script<[number, number]>(5, FORGET),
    sesameCarryFailures: script<number>(1, CARRY)
  })
  return {
    async move (oldNumber: string, newNumber: string) {
      const old = phoneKeys(oldNumber)
      const [failures, ttl] = await run.sesameForgetNumber(
        old.loginFailures, old.devices, old.smsCode('login'), old.smsCode('reset_password'), old.smsCode('delete_account'),
        old.devicePrefix, old.deviceLoginFailures('')
      )
      if (failures > 0 && ttl > 0) await run.sesameCarryFailures(phoneKeys(newNumber).loginFailures, failures, ttl)
    }
  }
}

export type NumberKeys = ReturnType<typeof createNumberKeys>
