import type { Cluster, Redis } from 'ioredis'

/**
 * Registers a Lua script as a client command (ioredis sends EVALSHA and falls back to EVAL once when
 * the server has not cached it yet). Defining is per client, so a second store on the same client reuses it.
 */
export function defineScript (redis: Redis | Cluster, name: string, numberOfKeys: number, lua: string) {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua })
}
