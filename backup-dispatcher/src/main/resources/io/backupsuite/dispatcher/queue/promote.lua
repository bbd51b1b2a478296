-- Expired leases -> pending (or dead when the attempts are used up); due delayed tasks -> pending.
-- An expired lease whose attempt never reported progress (token ~= startedToken, see renew.lua)
-- was lost before a worker began it (waiting in Kafka or a worker's backlog): it goes back to
-- pending without using up an attempt and without an entry in the error history, counted in
-- `unstarted` instead. Once `unstarted` reaches maxUnstarted such expiries count as failures, so
-- a task that kills its workers before they can report cannot circulate for ever.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxAttempts, limit, maxUnstarted
-- Returns: now, requeued, dead, promoted, nextDue (earliest score in working or delay, -1 if none),
--          unstarted (of requeued, those given back without using up an attempt)
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxAttempts = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local maxUnstarted = tonumber(ARGV[6])
local requeued, dead, promoted, unstartedCount = 0, 0, 0, 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  local key = ARGV[1] .. id
  redis.call('ZREM', KEYS[2], id)
  local f = redis.call('HMGET', key, 'attempts', 'token', 'startedToken', 'unstarted')
  local attempts = f[1]
  local unstarted = tonumber(f[4] or '0')
  if attempts and f[2] and f[2] ~= f[3] and unstarted < maxUnstarted then
    -- the next claim counts this attempt number again, with a new token (fencing stays intact)
    redis.call('HDEL', key, 'token')
    redis.call('HSET', key, 'status', 'PENDING', 'attempts', math.max(0, tonumber(attempts) - 1),
      'unstarted', unstarted + 1, 'updatedAt', now, 'queuedAt', now)
    redis.call('RPUSH', KEYS[1], id)
    requeued = requeued + 1
    unstartedCount = unstartedCount + 1
  elseif attempts then
    local reason = 'attempt ' .. attempts .. ': lease expired'
    if f[2] and f[2] ~= f[3] then
      reason = reason .. ' before the attempt started (after ' .. unstarted .. ' such expiries)'
    end
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
return {now, requeued, dead, promoted, nextDue, unstartedCount}
