import type { SessionUser } from './user.js'

/** last_seen_at is written at most this often (SPEC §13), by the resolve call that runs anyway. */
export const LAST_SEEN_EVERY_MS = 60_000

/** A session slides once it is used more than a day after its last extension (SPEC §3). */
export const SLIDE_AFTER_MS = 86_400_000

/**
 * KEYS: user, index, session. ARGV: now, ttlMs, slideAfterMs (0: no sliding), maxLifetimeMs (0: none),
 * lastSeenEveryMs. A session still `pending` (a login not yet confirmed) is nothing yet. A session older than the maximum lifetime is refused however much it slid; last_seen_at
 * is written at most every lastSeenEveryMs, in this same call. Returns [sessionId, userId, phone, nickname,
 * registerTime, extendedAt, createdAt, lastSeenAt] (the expiry without a PTTL) or nil.
 * After a write, EXISTS reads the keys again: on a connection with CLIENT TRACKING … NOLOOP, our own write
 * drops them from Redis's tracking table without telling us, and that read puts them back, so the cached
 * copy of this session keeps being invalidated by everyone else's writes.
 */
export const RESOLVE_SESSION = `
local session = redis.call('HMGET', KEYS[3], 'id', 'extended_at', 'created_at', 'last_seen_at', 'pending')
if not session[1] or session[5] then return nil end
local now, max = tonumber(ARGV[1]), tonumber(ARGV[4])
local created = tonumber(session[3]) or 0
if max > 0 and now - created >= max then
  redis.call('DEL', KEYS[3])
  return nil
end
local user = redis.call('HMGET', KEYS[1], 'id', 'phone_number', 'nickname', 'register_time')
if not user[1] then return nil end
local seen, wrote = session[4], false
if now - (tonumber(seen) or 0) >= tonumber(ARGV[5]) then
  seen = ARGV[1]
  wrote = true
  redis.call('HSET', KEYS[3], 'last_seen_at', seen)
end
local slide = tonumber(ARGV[3])
local extended = session[2]
if slide > 0 and now - tonumber(extended) > slide then
  extended = ARGV[1]
  local ttl = tonumber(ARGV[2])
  if max > 0 then ttl = math.min(ttl, created + max - now) end
  redis.call('HSET', KEYS[3], 'extended_at', extended)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  wrote = true
end
if wrote then redis.call('EXISTS', KEYS[3], KEYS[1]) end
return { session[1], user[1], user[2], user[3], user[4], extended, session[3], seen }
`

export interface Timing {
  ttlMs: number
  slideAfterMs: number
  maxLifetimeMs: number
}

export interface Resolved {
  user: SessionUser
  /** Until when a copy in memory may answer for Redis: before the next last_seen_at write, slide or expiry is due. */
  freshUntil: number
}

/** The script's reply as the user, when the session ends and how long a copy of it stays fresh. */
export function readResolved (found: string[], digest: string, timing: Timing): Resolved {
  const [sessionId = '', id = '', phoneNumber = '', nickname = '', registerTime = '', extendedAt = '', createdAt = '', lastSeenAt = ''] = found
  const extended = Number(extendedAt)
  const created = Number(createdAt)
  const expiresAt = Math.min(extended + timing.ttlMs, timing.maxLifetimeMs > 0 ? created + timing.maxLifetimeMs : Infinity)
  const slideDue = timing.slideAfterMs > 0 ? extended + timing.slideAfterMs : Infinity
  const freshUntil = Math.min(expiresAt, slideDue, Number(lastSeenAt) + LAST_SEEN_EVERY_MS)
  return {
    user: { id: Number(id), phoneNumber, nickname: nickname === '' ? null : nickname, registerTime, sessionId, tokenDigest: digest, expiresAt },
    freshUntil
  }
}
