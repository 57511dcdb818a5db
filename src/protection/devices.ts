import { randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import { defineScripts, script } from '../redis/scripts.js'
import { phoneKeys } from '../redis/keys.js'
import { tokenDigest } from '../sessions/store.js'

export const DEVICE_TOKEN_TTL_SECONDS = 180 * 86_400

// KEYS: devices index. ARGV: prefix, new digest, userId, ttlMs, digest replaced ('' none). Prunes expired entries.
const ISSUE = `
for _, digest in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if digest == ARGV[5] or redis.call('EXISTS', ARGV[1] .. digest) == 0 then
    redis.call('DEL', ARGV[1] .. digest)
    redis.call('SREM', KEYS[1], digest)
  end
end
redis.call('SET', ARGV[1] .. ARGV[2], ARGV[3], 'PX', ARGV[4])
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`

// KEYS: devices index. ARGV: prefix. Every known device of the number is forgotten.
const DROP_ALL = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, digest in ipairs(members) do redis.call('DEL', ARGV[1] .. digest) end
redis.call('DEL', KEYS[1])
return #members
`

const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/

/**
 * Known devices (SPEC §4): a successful login hands out a device token (32 CSPRNG bytes, base64url);
 * Redis keeps only its SHA-256, under the number's hash tag, for 180 days. A login presenting a known
 * one is counted against that device's own failure budget, so strangers cannot lock its owner out.
 */
export function createDeviceTokens (redis: Redis | Cluster) {
  const run = defineScripts(redis, {
    sesameDeviceIssue: script<number>(1, ISSUE),
    sesameDeviceDropAll: script<number>(1, DROP_ALL)
  })
  return {
    /** The digest of a presented device token if it is known for this number, else undefined. */
    async recognise (phoneNumber: string, token: string | undefined): Promise<string | undefined> {
      if (token === undefined || !DEVICE_TOKEN.test(token)) return undefined
      const digest = tokenDigest(token)
      return await redis.exists(phoneKeys(phoneNumber).devicePrefix + digest) === 1 ? digest : undefined
    },
    /** A fresh token for this device, replacing the one it presented (rotated at every login). */
    async issue (phoneNumber: string, userId: number, replacing?: string) {
      const token = randomBytes(32).toString('base64url')
      const keys = phoneKeys(phoneNumber)
      await run.sesameDeviceIssue(keys.devices, keys.devicePrefix, tokenDigest(token), userId, DEVICE_TOKEN_TTL_SECONDS * 1000, replacing ?? '')
      return token
    },
    /** A password change or reset forgets every device of the number. */
    async dropAll (phoneNumber: string) {
      const keys = phoneKeys(phoneNumber)
      return await run.sesameDeviceDropAll(keys.devices, keys.devicePrefix)
    }
  }
}

export type DeviceTokens = ReturnType<typeof createDeviceTokens>
