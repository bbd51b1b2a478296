-- Operator retry: DEAD -> pending with a fresh attempt budget (and unstarted allowance); the error history stays.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, id
-- Returns: now, RETRIED | NOT_FOUND | <current status>
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[4]
local key = ARGV[1] .. id
local status = redis.call('HGET', key, 'status')
if not status then
  return {now, 'NOT_FOUND'}
end
if status ~= 'DEAD' then
  return {now, status}
end
redis.call('LREM', KEYS[4], 1, id)
redis.call('HDEL', key, 'token', 'unstarted')
redis.call('HSET', key, 'status', 'PENDING', 'attempts', 0, 'updatedAt', now, 'queuedAt', now)
redis.call('RPUSH', KEYS[1], id)
redis.call('PUBLISH', ARGV[3], 'retried')
return {now, 'RETRIED'}
