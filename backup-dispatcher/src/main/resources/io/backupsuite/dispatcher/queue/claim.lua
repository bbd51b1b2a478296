-- Batch claim pending -> working, capped so that working never holds more than maxInFlight tasks.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxCount, maxInFlight, leaseMs, nonce
-- Returns: now, then per claimed task: id, token, attempt, notification, createdAt, queuedAt
redis.replicate_commands()
-- variadic commands in chunks: Lua's unpack has a stack limit
local function each_chunk(command, key, list)
  for i = 1, #list, 1000 do
    local args = {}
    for j = i, math.min(i + 999, #list) do
      args[#args + 1] = list[j]
    end
    redis.call(command, key, unpack(args))
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {now}
local room = tonumber(ARGV[5]) - redis.call('ZCARD', KEYS[2])
local count = math.min(tonumber(ARGV[4]), room)
if count <= 0 then
  return out
end
local ids = redis.call('LPOP', KEYS[1], count)
if not ids then
  return out
end
local deadline = now + tonumber(ARGV[6])
local leased = {}
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'status', 'notification', 'createdAt', 'queuedAt', 'attempts')
  -- an id whose hash is not PENDING is a leftover (e.g. an expired DONE task); dropping it loses nothing
  if f[1] == 'PENDING' then
    local attempt = tonumber(f[5] or '0') + 1
    local token = attempt .. '-' .. ARGV[7]
    redis.call('HSET', key, 'status', 'WORKING', 'token', token, 'attempts', attempt, 'updatedAt', now, 'leasedAt', now)
    leased[#leased + 1] = deadline
    leased[#leased + 1] = id
    out[#out + 1] = id
    out[#out + 1] = token
    out[#out + 1] = attempt
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
    out[#out + 1] = f[4]
  end
end
if #leased > 0 then
  each_chunk('ZADD', KEYS[2], leased)
end
return out
