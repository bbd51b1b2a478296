-- Batch completion of attempts. Only a result quoting the task's current attempt token counts.
-- Success: out of working and delay, DONE, expires after the retention.
-- Failure: reason appended to the error history, then delay (retry time = now + delayMs) or DEAD.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, maxAttempts, retentionSeconds, n,
--       then n x (id, token, succeeded 1/0, error, delayMs)
-- Returns: now, then per item: id, outcome (DONE, DELAYED, DEAD, STALE, UNKNOWN), attempts, createdAt
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
local maxAttempts = tonumber(ARGV[4])
local retention = tonumber(ARGV[5])
local out = {now}
local failed = 0
local finished = {}
for i = 0, tonumber(ARGV[6]) - 1 do
  local b = 7 + i * 5
  local id = ARGV[b]
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'token', 'attempts', 'createdAt', 'lastError')
  local outcome
  if not f[2] then
    outcome = 'UNKNOWN'
  elseif ARGV[b + 1] == '' or f[1] ~= ARGV[b + 1] then
    outcome = 'STALE'
  elseif ARGV[b + 2] == '1' then
    finished[#finished + 1] = id
    -- an empty token matches no attempt (results with an empty token are refused above)
    redis.call('HSET', key, 'status', 'DONE', 'token', '', 'updatedAt', now, 'doneAt', now)
    redis.call('EXPIRE', key, retention)
    if f[4] then
      redis.call('EXPIRE', ARGV[2] .. id, retention)
    end
    outcome = 'DONE'
  else
    local reason = 'attempt ' .. f[2] .. ': ' .. ARGV[b + 3]
    redis.call('RPUSH', ARGV[2] .. id, reason)
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', key, 'token')
    if tonumber(f[2]) >= maxAttempts then
      redis.call('HSET', key, 'status', 'DEAD', 'lastError', reason, 'updatedAt', now)
      redis.call('RPUSH', KEYS[4], id)
      outcome = 'DEAD'
    else
      local retryAt = now + tonumber(ARGV[b + 4])
      redis.call('HSET', key, 'status', 'DELAYED', 'lastError', reason, 'updatedAt', now, 'retryAt', retryAt)
      redis.call('ZADD', KEYS[3], retryAt, id)
      outcome = 'DELAYED'
      failed = failed + 1
    end
  end
  out[#out + 1] = id
  out[#out + 1] = outcome
  out[#out + 1] = tonumber(f[2] or '0')
  out[#out + 1] = tonumber(f[3] or '0')
end
if #finished > 0 then
  each_chunk('ZREM', KEYS[2], finished)
  each_chunk('ZREM', KEYS[3], finished)
end
if failed > 0 then
  -- dispatchers recompute how long to sleep: this retry may be due before their next wake-up
  redis.call('PUBLISH', ARGV[3], 'delayed')
end
return out
