-- Expired leases -> pending (or dead when the attempts are used up); due delayed tasks -> pending.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxAttempts, limit
-- Returns: now, requeued, dead, promoted, nextDue (earliest score in working or delay, -1 if none)
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxAttempts = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local requeued, dead, promoted = 0, 0, 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  local key = ARGV[1] .. id
  redis.call('ZREM', KEYS[2], id)
  local attempts = redis.call('HGET', key, 'attempts')
  if attempts then
    local reason = 'attempt ' .. attempts .. ': lease expired'
    redis.call('RPUSH', ARGV[2] .. id, reason)
    redis.call('HDEL', key, 'token')
    if tonumber(attempts) >= maxAttempts then
      redis.call('HSET', key, 'status', 'DEAD', 'lastError', reason, 'updatedAt', now)
      redis.call('RPUSH', KEYS[4], id)
      dead = dead + 1
    else
      redis.call('HSET', key, 'status', 'PENDING', 'lastError', reason, 'updatedAt', now, 'queuedAt', now)
      redis.call('RPUSH', KEYS[1], id)
      requeued = requeued + 1
    end
  end
end
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(due) do
  local key = ARGV[1] .. id
  redis.call('ZREM', KEYS[3], id)
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'status', 'PENDING', 'updatedAt', now, 'queuedAt', now)
    redis.call('RPUSH', KEYS[1], id)
    promoted = promoted + 1
  end
end
local nextDue = -1
local w = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if w[2] then
  nextDue = tonumber(w[2])
end
local d = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if d[2] and (nextDue < 0 or tonumber(d[2]) < nextDue) then
  nextDue = tonumber(d[2])
end
return {now, requeued, dead, promoted, nextDue}
