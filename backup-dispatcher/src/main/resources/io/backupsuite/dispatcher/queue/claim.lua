-- Batch claim pending -> working, capped so that working never holds more than maxInFlight tasks.
-- The attempt token is '<attempt>-<nonce>': the nonce is fresh for every call, so every claim of a
-- task gets a new token even when an unstarted attempt gives its number back (see promote.lua).
-- KEYS: pending, working, delay, dead, finished
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxCount, maxInFlight, leaseMs, nonce
-- Returns: now, attempts finished so far (the counter), then per claimed task: id, attempt, notification, createdAt, queuedAt
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {now, tonumber(redis.call('GET', KEYS[5]) or '0')}
local room = tonumber(ARGV[5]) - redis.call('ZCARD', KEYS[2])
local count = math.min(tonumber(ARGV[4]), room)
if count <= 0 then
  return out
end
local ids = redis.call('LPOP', KEYS[1], count)
if not ids then
  return out
end
local prefix = ARGV[1]
local suffix = '-' .. ARGV[7]
local deadline = now + tonumber(ARGV[6])
local leased = {}
for _, id in ipairs(ids) do
  local key = prefix .. id
  local f = redis.call('HMGET', key, 'status', 'notification', 'createdAt', 'queuedAt', 'attempts')
  -- an id whose hash is not PENDING is a leftover (e.g. an expired DONE task); dropping it loses nothing
  if f[1] == 'PENDING' then
    local attempt = tonumber(f[5] or '0') + 1
    redis.call('HSET', key, 'status', 'WORKING', 'token', attempt .. suffix, 'attempts', attempt, 'updatedAt', now)
    leased[#leased + 1] = deadline
    leased[#leased + 1] = id
    out[#out + 1] = id
    out[#out + 1] = attempt
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
    out[#out + 1] = f[4] or f[3]
  end
end
-- variadic ZADD in chunks: Lua's unpack has a stack limit
for i = 1, #leased, 1000 do
  redis.call('ZADD', KEYS[2], unpack(leased, i, math.min(i + 999, #leased)))
end
return out
