-- Batch lease renewal with progress. Only the current attempt of a WORKING task is renewed.
-- A progress report also marks the attempt as started (startedToken = its token): promote.lua
-- counts the expired lease of a started attempt as a failed attempt, of an unstarted one not.
-- KEYS: pending, working, delay, dead
-- ARGV: taskPrefix, errorsPrefix, wakeChannel, leaseMs, n,
--       then n x (id, token, bytesDone, totalBytes, source, workerId, chunksVerified, rangesJson)
-- Returns: now, then per item 1 (renewed) or 0 (stale)
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = now + tonumber(ARGV[4])
local out = {now}
for i = 0, tonumber(ARGV[5]) - 1 do
  local b = 6 + i * 8
  local id = ARGV[b]
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'token', 'status')
  if f[1] == ARGV[b + 1] and f[2] == 'WORKING' then
    redis.call('ZADD', KEYS[2], 'XX', deadline, id)
    redis.call('HSET', key, 'bytesDone', ARGV[b + 2], 'totalBytes', ARGV[b + 3], 'source', ARGV[b + 4],
      'workerId', ARGV[b + 5], 'chunksVerified', ARGV[b + 6], 'ranges', ARGV[b + 7],
      'updatedAt', now, 'startedToken', f[1])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
