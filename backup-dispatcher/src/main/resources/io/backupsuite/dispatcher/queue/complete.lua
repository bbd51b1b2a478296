-- Batch completion of attempts. Only a result quoting the token of a WORKING task's current
-- attempt counts (a finished task keeps its last token; its status fences it).
-- Success: out of working and delay, DONE (doneAt is also its updatedAt), expires after the retention.
-- Failure: reason appended to the error history, then delay (retry time = now + delayMs) or DEAD.
-- KEYS: pending, working, delay, dead, finished (a counter of attempts that left working with a result)
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxAttempts, retentionSeconds, n,
--       then n x (id, token, result): result '' for success, '<delayMs>:<error>' for failure
-- Returns: now, then per item in order: outcome (DONE, DELAYED, DEAD, STALE, UNKNOWN), attempts, createdAt
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local prefix = ARGV[1]
local maxAttempts = tonumber(ARGV[4])
local retention = tonumber(ARGV[5])
local out = {now}
local failed = 0
local dead = 0
local finished = {}
for b = 7, 6 + tonumber(ARGV[6]) * 3, 3 do
  local id = ARGV[b]
  local key = prefix .. id
  local f = redis.call('HMGET', key, 'status', 'token', 'attempts', 'createdAt', 'lastError')
  local result = ARGV[b + 2]
  local outcome
  if not f[1] then
    outcome = 'UNKNOWN'
  elseif f[1] ~= 'WORKING' or ARGV[b + 1] == '' or f[2] ~= ARGV[b + 1] then
    outcome = 'STALE'
  elseif result == '' then
    finished[#finished + 1] = id
    redis.call('HSET', key, 'status', 'DONE', 'doneAt', now)
    redis.call('EXPIRE', key, retention)
    if f[5] then
      redis.call('EXPIRE', ARGV[2] .. id, retention)
    end
    outcome = 'DONE'
  else
    local sep = string.find(result, ':', 1, true)
    local reason = 'attempt ' .. f[3] .. ': ' .. string.sub(result, sep + 1)
    redis.call('RPUSH', ARGV[2] .. id, reason)
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', key, 'token')
    if tonumber(f[3]) >= maxAttempts then
      redis.call('HSET', key, 'status', 'DEAD', 'lastError', reason, 'updatedAt', now)
      redis.call('RPUSH', KEYS[4], id)
      outcome = 'DEAD'
      dead = dead + 1
    else
      local retryAt = now + tonumber(string.sub(result, 1, sep - 1))
      redis.call('HSET', key, 'status', 'DELAYED', 'lastError', reason, 'updatedAt', now, 'retryAt', retryAt)
      redis.call('ZADD', KEYS[3], retryAt, id)
      outcome = 'DELAYED'
      failed = failed + 1
    end
  end
  out[#out + 1] = outcome
  out[#out + 1] = tonumber(f[3] or '0')
  out[#out + 1] = tonumber(f[4] or '0')
end
-- variadic ZREM in chunks: Lua's unpack has a stack limit
for i = 1, #finished, 1000 do
  local last = math.min(i + 999, #finished)
  redis.call('ZREM', KEYS[2], unpack(finished, i, last))
  redis.call('ZREM', KEYS[3], unpack(finished, i, last))
end
local left = #finished + failed + dead
if left > 0 then
  redis.call('INCRBY', KEYS[5], left)
end
if failed > 0 then
  -- dispatchers recompute how long to sleep: this retry may be due before their next wake-up
  redis.call('PUBLISH', ARGV[3], 'delayed')
end
return out
