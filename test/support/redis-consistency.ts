import type { Redis } from 'ioredis'

/*
 * Checks that Redis holds no half-written session state (SPEC §3: every change that touches more than one
 * key is atomic). Run it while nothing writes, e.g. after a burst of logins and logouts was cut short by a
 * crash. Keys, per user: sesame:{u<id>}:user (cached user hash with app_online), sesame:{u<id>}:sessions
 * (sorted set of token digests scored by creation time) and sesame:{u<id>}:s:<digest> (session hash).
 */

export interface ConsistencyOptions {
  /** SESSION_TTL_SECONDS in ms: an index entry whose session is gone is expired, not broken, once it is this old. */
  sessionTtlMs: number
  now?: number
  /** The ids MySQL holds: a session of anyone else resolves to a missing user. */
  knownUserIds?: ReadonlySet<number>
  /** MAX_SESSIONS_PER_USER for a user, to check that no login overshot it. */
  maxSessions?: (userId: number) => number
}

interface UserState {
  user?: Record<string, string>
  userTtl?: number
  index?: Map<string, number>
  indexTtl?: number
  sessions: Map<string, { fields: Record<string, string>, ttl: number }>
  strays: string[]
}

const KEY = /^sesame:\{u(\d+)\}:(?:(user)|(sessions)|s:(.+))$/
const SESSION_FIELDS = ['id', 'created_at', 'extended_at', 'user_agent']
const USER_FIELDS = ['id', 'phone_number', 'nickname', 'register_time', 'app_online']

async function scanUserKeys (redis: Redis): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', 'sesame:{u*', 'COUNT', 1000)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}

async function readState (redis: Redis, keys: string[]): Promise<Map<number, UserState>> {
  const users = new Map<number, UserState>()
  for (const key of keys) {
    const match = KEY.exec(key)
    const userId = Number(match?.[1] ?? 0)
    const state: UserState = users.get(userId) ?? { sessions: new Map(), strays: [] }
    users.set(userId, state)
    if (match === null) {
      state.strays.push(key)
    } else if (match[2] !== undefined) {
      state.user = await redis.hgetall(key)
      state.userTtl = await redis.pttl(key)
    } else if (match[3] !== undefined) {
      const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES')
      state.index = new Map()
      for (let i = 0; i + 1 < flat.length; i += 2) state.index.set(flat[i] ?? '', Number(flat[i + 1]))
      state.indexTtl = await redis.pttl(key)
    } else {
      state.sessions.set(match[4] ?? '', { fields: await redis.hgetall(key), ttl: await redis.pttl(key) })
    }
  }
  return users
}

function checkUser (userId: number, state: UserState, options: ConsistencyOptions, now: number): string[] {
  const problems: string[] = state.strays.map((key) => `unexpected key ${key}`)
  const who = `user ${userId}`
  for (const [digest, session] of state.sessions) {
    const missing = SESSION_FIELDS.filter((field) => session.fields[field] === undefined)
    if (missing.length > 0) problems.push(`${who}: session ${digest} is half-written (no ${missing.join(', ')})`)
    if (session.ttl < 0) problems.push(`${who}: session ${digest} never expires`)
    if (state.index?.has(digest) !== true) problems.push(`${who}: session ${digest} has no index entry`)
  }
  for (const [digest, createdAt] of state.index ?? []) {
    const expired = createdAt <= now - options.sessionTtlMs
    if (!state.sessions.has(digest) && !expired) problems.push(`${who}: index entry ${digest} has no session`)
  }
  if (state.index !== undefined && state.indexTtl !== undefined && state.indexTtl < 0) problems.push(`${who}: session index never expires`)
  const live = state.sessions.size
  // A pending session (a login not confirmed yet, or whose confirmation Redis never got) is not usable.
  const usable = [...state.sessions.values()].filter((session) => session.fields.pending === undefined).length
  const max = options.maxSessions?.(userId)
  if (max !== undefined && usable > max) problems.push(`${who}: ${usable} usable sessions, more than the limit of ${max}`)
  if (live > 0 && options.knownUserIds !== undefined && !options.knownUserIds.has(userId)) {
    problems.push(`${who}: has live sessions but is not a known user`)
  }
  if (state.user === undefined) {
    if (live > 0) problems.push(`${who}: ${live} live sessions resolve to no cached user`)
    return problems
  }
  const missing = USER_FIELDS.filter((field) => state.user?.[field] === undefined)
  if (missing.length > 0) problems.push(`${who}: cached user is half-written (no ${missing.join(', ')})`)
  if (state.user.id !== undefined && state.user.id !== String(userId)) problems.push(`${who}: cached user says id ${state.user.id}`)
  if (state.userTtl !== undefined && state.userTtl < 0) problems.push(`${who}: cached user never expires`)
  const online = live > 0 ? '1' : '0'
  if (state.user.app_online !== online) {
    problems.push(`${who}: app_online is ${String(state.user.app_online)} with ${live} live sessions (should be ${online})`)
  }
  return problems
}

/** Every inconsistency in the session keys of Redis, one sentence each; empty when all is well. */
export async function findSessionInconsistencies (redis: Redis, options: ConsistencyOptions): Promise<string[]> {
  const now = options.now ?? Date.now()
  const users = await readState(redis, await scanUserKeys(redis))
  return [...users].flatMap(([userId, state]) => checkUser(userId, state, options, now))
}

/** How many users, sessions and index entries there are, so that a test can tell an empty check from a real one. */
export async function countSessionKeys (redis: Redis) {
  const keys = await scanUserKeys(redis)
  return {
    users: keys.filter((key) => key.endsWith(':user')).length,
    sessions: keys.filter((key) => /:s:/.test(key)).length
  }
}
