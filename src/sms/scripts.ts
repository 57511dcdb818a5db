/*
 * Lua scripts for SMS codes, so every check-and-change is atomic. A number's keys share the hash tag
 * `{p<number>}` (Redis Cluster safe): sesame:{p+15550001}:sms:<purpose> (hash: digest, tries),
 * :sms-cooldown (one code a minute, any purpose) and :sms-sent (sorted set of send times, the daily cap).
 */

/**
 * KEYS: cooldown, sent. ARGV: now (ms), cooldownMs, windowMs, maxPerWindow, id.
 * Takes a send slot: returns {1, ms until the next one may be taken}, or {0 (cooldown) or -1 (daily cap), ms to wait}.
 */
export const RESERVE_SEND = `
local now, cooldown, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = redis.call('PTTL', KEYS[1])
if wait > 0 then return {0, wait} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {-1, math.max(1, tonumber(oldest[2]) + window - now)}
end
redis.call('SET', KEYS[1], ARGV[5], 'PX', cooldown)
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('PEXPIRE', KEYS[2], window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {1, math.max(cooldown, tonumber(oldest[2]) + window - now)}
end
return {1, cooldown}
`

/** KEYS: code. ARGV: digest, ttlMs. A new code replaces the old one for this purpose, tries and all. */
export const STORE_CODE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'digest', ARGV[1], 'tries', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/**
 * KEYS: code. ARGV: maxTries. Counts a try before the caller compares, so concurrent guesses can't
 * exceed maxTries. Returns the stored digest, or nil when there is no code or it has run out of tries.
 */
export const TAKE_TRY = `
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then return false end
if redis.call('HINCRBY', KEYS[1], 'tries', 1) > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
return digest
`

/** KEYS: code. ARGV: digest. Uses the code up if it is still the one that was checked: 1, else 0. */
export const CONSUME_CODE = `
if redis.call('HGET', KEYS[1], 'digest') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`
