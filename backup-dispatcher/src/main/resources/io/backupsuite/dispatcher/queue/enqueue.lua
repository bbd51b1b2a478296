-- Batch enqueue, idempotent per task id (derived from objectKey + sha256 by the caller).
-- A new task's hash holds only what is not elsewhere: the notification (objectKey, sha256 and
-- size are read from it), the status and createdAt (updatedAt and queuedAt default to it).
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, n, then n x (id, notification)
-- Returns: now, then per item in order: CREATED, or the status of the task that already exists
redis.replicate_commands()
-- variadic commands in chunks: Lua's unpack has a stack limit
local function each_chunk(command, key, list)
  for i = 1, #list, 1000 do
    redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local prefix = ARGV[1]
local out = {now}
local created = {}
for b = 5, 4 + tonumber(ARGV[4]) * 2, 2 do
  local id = ARGV[b]
  local key = prefix .. id
  local status = redis.call('HGET', key, 'status')
  if status then
    out[#out + 1] = status
  else
    redis.call('HSET', key, 'notification', ARGV[b + 1], 'status', 'PENDING', 'createdAt', now)
    out[#out + 1] = 'CREATED'
    created[#created + 1] = id
  end
end
if #created > 0 then
  each_chunk('RPUSH', KEYS[1], created)
  redis.call('PUBLISH', ARGV[3], 'enqueued')
end
return out
