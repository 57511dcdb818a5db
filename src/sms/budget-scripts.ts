/*
 * Lua for the SMS cost budgets (SPEC §11). Each budget is one sorted set of grants (member: the
 * request's id, score: when), a rolling window, in a hash tag of its own; see smsBudgetKeys.
 */

/**
 * KEYS: budget, alarm flag (may be the budget key again when there is no alarm). ARGV: now (ms), windowMs,
 * limit, id. Grants atomically, so concurrent requests on any number of instances never get more than
 * `limit` per window: returns {1, 0}, or {0, ms until the oldest grant leaves the window, 1 when this
 * refusal set the alarm flag (the first of the window), else 0}.
 */
export const TAKE_BUDGET = `
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = math.max(1, tonumber(oldest[2]) + window - now)
  local first = 0
  if KEYS[2] ~= KEYS[1] and redis.call('SET', KEYS[2], '1', 'NX', 'PX', window) then first = 1 end
  return {0, wait, first}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0, 0}
`

/** KEYS: budget. ARGV: id. Gives a grant back (a later check refused the request, or nothing was sent). */
export const RELEASE_BUDGET = `
return redis.call('ZREM', KEYS[1], ARGV[1])
`
