-- Read-only: queue depths and when the task at the head of pending was queued.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix
-- Returns: now, pending, working, delay, dead, oldestQueuedAt (-1 when pending is empty)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local oldest = -1
local head = redis.call('LINDEX', KEYS[1], 0)
if head then
  -- a task never requeued has no queuedAt: it was queued when it was created
  local f = redis.call('HMGET', ARGV[1] .. head, 'queuedAt', 'createdAt')
  oldest = tonumber(f[1] or f[2] or '-1')
end
return {now, redis.call('LLEN', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('LLEN', KEYS[4]), oldest}
