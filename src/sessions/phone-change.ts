import type { Cluster, Redis } from 'ioredis'
import { defineScripts, script } from '../redis/scripts.js'
import { userKeys } from '../redis/keys.js'
import { CACHE_VERSIONED } from './cached-fields.js'
import { REVOKE_ALL_SESSIONS } from './scripts.js'

/**
 * KEYS: user, index. ARGV: prefix, digest to keep, new number, its phone_version. The cached user takes the
 * new number (if it is cached and the write is not older than the cache) and every other session ends, in
 * one script: the REVOKE_ALL_SESSIONS of POST /user/password, led by the cache write. Returns the sessions ended.
 */
const CHANGE_PHONE = CACHE_VERSIONED + `
if redis.call('EXISTS', KEYS[1]) == 1 then cache_versioned(KEYS[1], 'phone_number', 'phone_version', ARGV[3], ARGV[4]) end
` + REVOKE_ALL_SESSIONS

/** The Redis half of a phone number change (SPEC §10), atomic: every key it touches shares the `{u<id>}` tag. */
export function createPhoneCache (redis: Redis | Cluster) {
  const run = defineScripts(redis, { sesameChangePhone: script<number>(2, CHANGE_PHONE) })
  return async (userId: number, keepDigest: string, phoneNumber: string, phoneVersion: number) => {
    const keys = userKeys(userId)
    return await run.sesameChangePhone(keys.user, keys.index, keys.sessionPrefix, keepDigest, phoneNumber, phoneVersion)
  }
}

export type PhoneCache = ReturnType<typeof createPhoneCache>
