-- Batch enqueue, idempotent per task id (derived from objectKey + sha256 by the caller).
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, n, then n x (id, objectKey, sha256, size, notification)
-- Returns: now, then per item: id, status, created (1/0)
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
local created = {}
for i = 0, tonumber(ARGV[4]) - 1 do
  local b = 5 + i * 5
  local id = ARGV[b]
  local key = ARGV[1] .. id
  local status = redis.call('HGET', key, 'status')
  if status then
    out[#out + 1] = id
    out[#out + 1] = status
    out[#out + 1] = 0
  else
    redis.call('HSET', key, 'objectKey', ARGV[b + 1], 'sha256', ARGV[b + 2], 'size', ARGV[b + 3],
      'notification', ARGV[b + 4], 'status', 'PENDING', 'attempts', 0,
      'createdAt', now, 'updatedAt', now, 'queuedAt', now)
    out[#out + 1] = id
    out[#out + 1] = 'PENDING'
    out[#out + 1] = 1
    created[#created + 1] = id
  end
end
if #created > 0 then
  each_chunk('RPUSH', KEYS[1], created)
  redis.call('PUBLISH', ARGV[3], 'enqueued')
end
return out
