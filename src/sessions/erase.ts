import type { Cluster, Redis } from 'ioredis'
import { defineScripts, script } from '../redis/scripts.js'
import { userKeys } from '../redis/keys.js'

/** KEYS: user, index. ARGV: session prefix. Deletes every session, the index and the cached user; returns the sessions ended. */
const ERASE_USER = `
local ended = 0
for _, digest in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  ended = ended + redis.call('DEL', ARGV[1] .. digest)
end
redis.call('DEL', KEYS[1], KEYS[2])
return ended
`

/** Removes every Redis key of a user (SPEC §10), atomically: they all share the `{u<id>}` tag. */
export function createUserEraser (redis: Redis | Cluster, forgetUser: (userId: number) => void = () => {}) {
  const run = defineScripts(redis, { sesameEraseUser: script<number>(2, ERASE_USER) })
  return async (userId: number) => {
    const keys = userKeys(userId)
    const ended = await run.sesameEraseUser(keys.user, keys.index, keys.sessionPrefix)
    forgetUser(userId)
    return ended
  }
}
