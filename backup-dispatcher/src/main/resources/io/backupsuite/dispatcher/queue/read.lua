-- Read-only: tasks with their error history: the given ids, the first `limit` dead ones, or the `limit`
-- working ones whose leases run out first.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, mode ('ids', 'dead' or 'working'), limit, ids...
-- Returns: per found task {id, {hash field/value...}, {errors...}}
local ids
if ARGV[4] == 'dead' then
  ids = redis.call('LRANGE', KEYS[4], 0, tonumber(ARGV[5]) - 1)
elseif ARGV[4] == 'working' then
  ids = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[5]) - 1)
else
  ids = {}
  for i = 6, #ARGV do
    ids[#ids + 1] = ARGV[i]
  end
end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', ARGV[1] .. id)
  if #h > 0 then
    out[#out + 1] = {id, h, redis.call('LRANGE', ARGV[2] .. id, 0, -1)}
  end
end
return out
