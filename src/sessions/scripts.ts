import { CACHE_VERSIONED } from './cached-fields.js'

/*
 * Lua scripts for every session change that touches more than one key, so each one is atomic.
 * A user's keys share the hash tag `{u<id>}`: sesame:{u7}:user (the cached user, with the original
 * app's field names), sesame:{u7}:sessions (sorted set of token digests by creation time) and
 * sesame:{u7}:s:<digest> (one hash per session). Session keys are derived from the index inside
 * the scripts; they sit in the same slot, so this also runs on Redis Cluster.
 */

// Drops index entries whose session has expired and returns how many sessions are live.
const PRUNE = `
local function prune (index, prefix)
  local live = 0
  for _, digest in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('EXISTS', prefix .. digest) == 1 then
      live = live + 1
    else
      redis.call('ZREM', index, digest)
    end
  end
  return live
end
local function mark_offline_if_idle (user, live)
  if live == 0 and redis.call('EXISTS', user) == 1 then
    redis.call('HSET', user, 'app_online', '0')
  end
end
`

/**
 * KEYS: user, index, session. ARGV: prefix, digest, id, now, ttlMs, userAgent, userId, phone, nickname,
 * registerTime, ip, deviceName, appVersion, phoneVersion, nicknameVersion ('' unknown). The session is
 * `pending` (it resolves to nothing) until CONFIRM_SESSION, which also ends the sessions beyond the limit.
 */
export const CREATE_SESSION = PRUNE + CACHE_VERSIONED + `
local prefix, digest, now, ttl = ARGV[1], ARGV[2], ARGV[4], ARGV[5]
prune(KEYS[2], prefix)
redis.call('HSET', KEYS[3], 'id', ARGV[3], 'created_at', now, 'extended_at', now, 'user_agent', ARGV[6], 'pending', '1')
redis.call('HSET', KEYS[3], 'last_seen_at', now, 'ip', ARGV[11], 'device_name', ARGV[12], 'app_version', ARGV[13])
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('ZADD', KEYS[2], now, digest)
redis.call('HSET', KEYS[1], 'id', ARGV[7], 'register_time', ARGV[10], 'app_online', '1')
cache_versioned(KEYS[1], 'phone_number', 'phone_version', ARGV[8], ARGV[14])
cache_versioned(KEYS[1], 'nickname', 'nickname_version', ARGV[9], ARGV[15])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
`

/**
 * KEYS: user, index, session. ARGV: prefix, digest, max, now. Makes a pending session usable and ends the
 * oldest other sessions beyond max, and any other session left pending for over a minute (a login whose
 * confirmation never came: Redis went away in between). Returns how many ended, or -1 if the session is gone.
 */
export const CONFIRM_SESSION = PRUNE + `
if redis.call('HDEL', KEYS[3], 'pending') == 0 then return -1 end
local revoked = 0
local others = {}
for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if old ~= ARGV[2] then
    local s = redis.call('HMGET', ARGV[1] .. old, 'pending', 'created_at')
    if s[1] and tonumber(ARGV[4]) - (tonumber(s[2]) or 0) > 60000 then
      redis.call('DEL', ARGV[1] .. old)
      redis.call('ZREM', KEYS[2], old)
      revoked = revoked + 1
    elseif not s[1] then
      table.insert(others, old)
    end
  end
end
local excess = prune(KEYS[2], ARGV[1]) - tonumber(ARGV[3])
for _, old in ipairs(others) do
  if excess <= 0 then break end
  if redis.call('DEL', ARGV[1] .. old) == 1 then
    redis.call('ZREM', KEYS[2], old)
    revoked = revoked + 1
    excess = excess - 1
  end
end
return revoked
`

// The resolve script is the package's: packages/fastify-auth/src/resolve-script.ts (Sesame and the plugin run the same one).

/** KEYS: user, index. ARGV: prefix, digest. Returns 1 if the session existed. */
export const REVOKE_SESSION = PRUNE + `
local existed = redis.call('DEL', ARGV[1] .. ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
mark_offline_if_idle(KEYS[1], prune(KEYS[2], ARGV[1]))
return existed
`

/** KEYS: user, index. ARGV: prefix, public session id. Returns 1 if that session was the user's and live. */
export const REVOKE_SESSION_BY_ID = PRUNE + `
local found = 0
for _, digest in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('HGET', ARGV[1] .. digest, 'id') == ARGV[2] then
    redis.call('DEL', ARGV[1] .. digest)
    redis.call('ZREM', KEYS[2], digest)
    found = 1
  end
end
mark_offline_if_idle(KEYS[1], prune(KEYS[2], ARGV[1]))
return found
`

/** KEYS: user, index. ARGV: prefix, digest to keep ('' keeps none). Returns how many live sessions ended. */
export const REVOKE_ALL_SESSIONS = PRUNE + `
local revoked = 0
for _, digest in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if digest ~= ARGV[2] then
    revoked = revoked + redis.call('DEL', ARGV[1] .. digest)
    redis.call('ZREM', KEYS[2], digest)
  end
end
mark_offline_if_idle(KEYS[1], prune(KEYS[2], ARGV[1]))
return revoked
`

/** KEYS: index. ARGV: prefix. Returns a flat list of SESSION_FIELDS per live session, oldest first. */
export const LIST_SESSIONS = PRUNE + `
prune(KEYS[1], ARGV[1])
local out = {}
for _, digest in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local s = redis.call('HMGET', ARGV[1] .. digest, 'id', 'created_at', 'user_agent', 'last_seen_at', 'ip', 'device_name', 'app_version', 'pending')
  if not s[8] then
    for i = 1, 7 do table.insert(out, s[i] or '') end
  end
end
return out
`

/** KEYS: user. ARGV: field, value. Updates the cached user only if it is cached. */
export const UPDATE_CACHED_NICKNAME = CACHE_VERSIONED + `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return cache_versioned(KEYS[1], 'nickname', 'nickname_version', ARGV[1], ARGV[2])
end
return 0
`
