import type { Cluster, Redis } from 'ioredis'

/** Lua scripts by command name: how many of the arguments are keys, and the script. */
export type ScriptTable = Record<string, { keys: number, lua: string }>

/**
 * Registers Lua scripts as client commands (ioredis sends EVALSHA and falls back to EVAL once when
 * the server has not cached a script yet). Defining is per client, so a second store on the same client reuses them.
 */
export function defineScripts (redis: Redis | Cluster, scripts: ScriptTable) {
  for (const [name, { keys, lua }] of Object.entries(scripts)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua })
  }
}
