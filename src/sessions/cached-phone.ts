/**
 * The one write of `phone_number` into the cached user (SPEC §3), shared by the create-session script and
 * the phone change, so the cache never goes back in time: `phone_version` (MySQL's count of number
 * changes) travels with the number, and a write older than the cached one leaves both alone. A write that
 * does not know its version ('') fills in only a hash that has none.
 */
export const CACHE_PHONE = `
local function cache_phone (user, phone, version)
  local cached = redis.call('HGET', user, 'phone_version')
  if cached and (version == '' or tonumber(version) < tonumber(cached)) then return 0 end
  redis.call('HSET', user, 'phone_number', phone)
  if version ~= '' then redis.call('HSET', user, 'phone_version', version) end
  return 1
end
`
