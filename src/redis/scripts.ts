import type { Cluster, Redis } from 'ioredis'

export type ScriptArg = string | number

/** A Lua script: how many of its arguments are keys, its source, and (in the type only) what it returns. */
export interface Script<T> {
  keys: number
  lua: string
  result?: T
}

export const script = <T>(keys: number, lua: string): Script<T> => ({ keys, lua })

type Runners<S> = { [K in keyof S]: (...args: ScriptArg[]) => Promise<S[K] extends Script<infer T> ? T : never> }

/**
 * Registers Lua scripts as client commands (ioredis sends EVALSHA and falls back to EVAL once when the
 * server has not cached a script yet) and returns a typed function for each. Command names are global
 * to a client, so each table's names carry their capability (`sesameCreateSession`); defining again on
 * the same client reuses the command.
 */
export function defineScripts<S extends Record<string, Script<unknown>>> (redis: Redis | Cluster, scripts: S): Runners<S> {
  const commands = redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>
  const runners: Record<string, (...args: ScriptArg[]) => Promise<unknown>> = {}
  for (const [name, { keys, lua }] of Object.entries(scripts)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua })
    runners[name] = (...args) => commands[name]?.(...args) ?? Promise.reject(new Error(`no script ${name}`))
  }
  return runners as Runners<S>
}
