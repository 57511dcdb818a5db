/**
 * The one write of a versioned field of the cached user (SPEC §3), shared by the create-session script, the
 * phone change and PATCH /user, so the cache never goes back in time: the field's MySQL version (how many
 * times it was changed: `phone_version`, `nickname_version`) travels with the value, and a write older than
 * the cached one leaves both alone. A write that does not know its version ('') fills in only a hash that
 * has none.
 */
export const CACHE_VERSIONED = `
local function cache_versioned (user, field, version_field, value, version)
  local cached = redis.call('HGET', user, version_field)
  if cached and (version == '' or tonumber(version) < tonumber(cached)) then return 0 end
  redis.call('HSET', user, field, value)
  if version ~= '' then redis.call('HSET', user, version_field, version) end
  return 1
end
`
