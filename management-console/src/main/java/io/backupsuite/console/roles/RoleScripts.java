package io.backupsuite.console.roles;

import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts that change the role table. Each change is one script, so several consoles never
 * interleave a read and a write. Keys of every script: 1 role rows (node id → assignment JSON), 2 the
 * table's version, 3 the group's state (epoch, primary, quasi, pending authorisation, {@code out:<id>}
 * for members taken out of service), 4 members' replication reports, 5 the role-change history.
 */
final class RoleScripts {

    private RoleScripts() {}

    /** Shared functions. {@code relabel} derives every member's role of the group from the group state. */
    private static final String LIB =
            """
            local function gget(f) return redis.call('HGET', KEYS[3], f) end
            local function gnum(f) return tonumber(redis.call('HGET', KEYS[3], f) or '0') end
            local function isOut(id) return redis.call('HEXISTS', KEYS[3], 'out:' .. id) == 1 end
            local function history(now, group, event, id, epoch, detail)
              redis.call('LPUSH', KEYS[5], cjson.encode({at = now, group = group, event = event,
                nodeId = id, epoch = epoch, detail = detail}))
              redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[#ARGV]) - 1)
            end
            local function ensureRow(id, group, address)
              local raw = redis.call('HGET', KEYS[1], id)
              if raw then
                local r = cjson.decode(raw)
                if r.address == address and r.group == group then return false end
                r.address = address
                r.group = group
                redis.call('HSET', KEYS[1], id, cjson.encode(r))
                return true
              end
              redis.call('HSET', KEYS[1], id, cjson.encode({nodeId = id, group = group, role = 'STANDBY',
                epoch = gnum('epoch'), address = address, outOfService = false}))
              return true
            end
            local function relabel(group)
              local epoch, primary, quasi = gnum('epoch'), gget('primary'), gget('quasi')
              local changed = false
              local all = redis.call('HGETALL', KEYS[1])
              for i = 2, #all, 2 do
                local r = cjson.decode(all[i])
                if r.group == group then
                  local role = 'STANDBY'
                  if r.nodeId == primary then role = 'PRIMARY'
                  elseif isOut(r.nodeId) then role = 'UNAVAILABLE'
                  elseif r.nodeId == quasi then role = 'QUASI_PRIMARY' end
                  -- only an operator's mark holds a member out; the primary's own mark lifts itself
                  local held = redis.call('HGET', KEYS[3], 'out:' .. r.nodeId) == 'operator'
                  if r.role ~= role or r.epoch ~= epoch or r.outOfService ~= held then
                    r.role = role
                    r.epoch = epoch
                    r.outOfService = held
                    redis.call('HSET', KEYS[1], r.nodeId, cjson.encode(r))
                    changed = true
                  end
                end
              end
              return changed
            end
            -- A member's claim to be primary in an epoch: 'ok' (nothing to do), 'adopted', 'stale' (behind or refused).
            -- A newer epoch is adopted whoever was authorised for it: leading an epoch took promises from enough
            -- members, which only one member per epoch can collect, so the claim is a fact (say the configured
            -- initial primary won the epoch the console had just authorised to the quasi-primary). Refusing it
            -- would leave the group's real primary out of the table for good.
            local function claim(id, group, role, epoch, now)
              local current = gnum('epoch')
              if epoch < current then return 'stale', 0, '' end
              if role ~= 'PRIMARY' then return 'ok', 0, '' end
              local primary = gget('primary')
              if epoch == current and primary == id then return 'ok', 0, '' end
              if epoch == current and primary then return 'stale', 0, '' end
              local authEpoch, authCandidate = gnum('authEpoch'), gget('authCandidate')
              local authAt, mode = 0, ''
              if authEpoch == epoch and authCandidate == id then authAt, mode = gnum('authAt'), gget('authMode') or '' end
              redis.call('HSET', KEYS[3], 'epoch', epoch, 'primary', id)
              redis.call('HDEL', KEYS[3], 'out:' .. id)
              if gget('quasi') == id then redis.call('HDEL', KEYS[3], 'quasi') end
              history(now, group, 'primary', id, epoch, primary and ('was ' .. primary) or 'first primary')
              return 'adopted', authAt, mode
            end
            """;

    /** A heartbeat of a storage-group member. ARGV: id, group, address, role, epoch, now, history size. */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> REGISTER = RedisScript.of(
            LIB
                    + """
            local id, group, address, role = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local epoch, now = tonumber(ARGV[5]), tonumber(ARGV[6])
            local changed = ensureRow(id, group, address)
            local verdict = claim(id, group, role, epoch, now)
            if relabel(group) then changed = true end
            local version = tonumber(redis.call('GET', KEYS[2]) or '0')
            if changed then version = redis.call('INCR', KEYS[2]) end
            return {tostring(version), verdict, changed and '1' or '0'}
            """,
            List.class);

    /**
     * A member's replication report, which is also its request for the quasi-primary role. ARGV: id, group,
     * address, role, epoch, lastEpoch, lastSeq, report JSON, now, freshness ms, tolerance, standbys the
     * primary holds out of service (comma list, with leading and trailing commas), authorisation timeout ms,
     * history size.
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> REPORT = RedisScript.of(
            LIB
                    + """
            local id, group, address, role = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local epoch, now = tonumber(ARGV[5]), tonumber(ARGV[9])
            local fresh, tolerance = tonumber(ARGV[10]), tonumber(ARGV[11])
            redis.call('HSET', KEYS[4], id, ARGV[8])
            local changed = ensureRow(id, group, address)
            local verdict, authAt, mode = claim(id, group, role, epoch, now)
            if verdict ~= 'stale' and role == 'PRIMARY' and gget('primary') == id then
              local all = redis.call('HGETALL', KEYS[1])
              for i = 2, #all, 2 do
                local r = cjson.decode(all[i])
                if r.group == group and r.nodeId ~= id then
                  local out = string.find(ARGV[12], ',' .. r.nodeId .. ',', 1, true) ~= nil
                  if out and not isOut(r.nodeId) then
                    redis.call('HSET', KEYS[3], 'out:' .. r.nodeId, 'primary')
                    history(now, group, 'unavailable', r.nodeId, epoch, 'marked by the primary')
                  elseif not out and redis.call('HGET', KEYS[3], 'out:' .. r.nodeId) == 'primary' then
                    redis.call('HDEL', KEYS[3], 'out:' .. r.nodeId)
                    history(now, group, 'available', r.nodeId, epoch, 'back at the primary')
                  end
                end
              end
            end
            local primary, quasi = gget('primary'), gget('quasi') or nil
            local pending = gnum('authEpoch') > gnum('epoch') and now - gnum('authAt') < tonumber(ARGV[13])
            local best, bestE, bestS = nil, -1, -1
            local quasiE, quasiS = nil, nil
            local reports = redis.call('HGETALL', KEYS[4])
            for i = 2, #reports, 2 do
              local s = cjson.decode(reports[i])
              if s.group == group and s.nodeId ~= primary and s.role ~= 'PRIMARY' and now - s.at <= fresh
                  and not isOut(s.nodeId) and redis.call('HEXISTS', KEYS[1], s.nodeId) == 1 then
                if s.lastEpoch > bestE or (s.lastEpoch == bestE and (s.lastSeq > bestS
                    or (s.lastSeq == bestS and s.nodeId < best))) then
                  best, bestE, bestS = s.nodeId, s.lastEpoch, s.lastSeq
                end
                if s.nodeId == quasi then quasiE, quasiS = s.lastEpoch, s.lastSeq end
              end
            end
            local chosen = best
            if quasi and (pending or (quasiE == bestE and bestS - quasiS <= tolerance)) then chosen = quasi end
            if chosen ~= quasi then
              if chosen then redis.call('HSET', KEYS[3], 'quasi', chosen) else redis.call('HDEL', KEYS[3], 'quasi') end
              history(now, group, 'quasi-primary', chosen or '', gnum('epoch'), quasi and ('was ' .. quasi) or '')
            end
            if relabel(group) then changed = true end
            local version = tonumber(redis.call('GET', KEYS[2]) or '0')
            if changed then version = redis.call('INCR', KEYS[2]) end
            return {tostring(version), verdict, changed and '1' or '0', chosen or '', tostring(gnum('epoch')),
              tostring(authAt), mode}
            """,
            List.class);

    /**
     * Authorises one candidate for a new epoch. ARGV: candidate, observed epoch, now, authorisation timeout ms,
     * mode ({@code failover} needs the quasi-primary; {@code switchover} any member in service), history size.
     * Returns {outcome, epoch}: authorised (again, to the same candidate), stale, not-quasi-primary, busy.
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> AUTHORISE = RedisScript.of(
            LIB
                    + """
            local candidate, observed, now, ttl, mode = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]),
              tonumber(ARGV[4]), ARGV[5]
            local current = gnum('epoch')
            if observed < current then return {'stale', tostring(current)} end
            if redis.call('HEXISTS', KEYS[1], candidate) == 0 or isOut(candidate)
                or gget('primary') == candidate then
              return {'not-candidate', tostring(current)}
            end
            if mode == 'failover' and gget('quasi') ~= candidate then return {'not-quasi-primary', tostring(current)} end
            local authEpoch, authCandidate = gnum('authEpoch'), gget('authCandidate')
            if authEpoch > current and now - gnum('authAt') < ttl then
              if authCandidate == candidate then return {'authorised', tostring(authEpoch)} end
              return {'busy', tostring(authEpoch)}
            end
            local epoch = math.max(current, authEpoch, observed) + 1
            redis.call('HSET', KEYS[3], 'authEpoch', epoch, 'authCandidate', candidate, 'authAt', now, 'authMode', mode)
            local group = cjson.decode(redis.call('HGET', KEYS[1], candidate)).group
            history(now, group, mode .. '-authorised', candidate, epoch, 'from epoch ' .. current)
            return {'authorised', tostring(epoch)}
            """,
            List.class);

    /** An operator takes a member out of service or returns it. ARGV: id, '1' available / '0' not, who, now, history size. */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> AVAILABILITY = RedisScript.of(
            LIB
                    + """
            local raw = redis.call('HGET', KEYS[1], ARGV[1])
            if not raw then return {'unknown', '0'} end
            local group = cjson.decode(raw).group
            if ARGV[2] == '1' then redis.call('HDEL', KEYS[3], 'out:' .. ARGV[1])
            else redis.call('HSET', KEYS[3], 'out:' .. ARGV[1], 'operator') end
            if gget('quasi') == ARGV[1] and ARGV[2] == '0' then redis.call('HDEL', KEYS[3], 'quasi') end
            history(tonumber(ARGV[4]), group, ARGV[2] == '1' and 'available' or 'unavailable', ARGV[1], gnum('epoch'),
              'by ' .. ARGV[3])
            local version = tonumber(redis.call('GET', KEYS[2]) or '0')
            if relabel(group) then version = redis.call('INCR', KEYS[2]) end
            return {'ok', tostring(version)}
            """,
            List.class);

    /** The table at one instant: {version, id1, row1, id2, row2, ...}. Keys: role rows, version. */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> READ = RedisScript.of(
            """
            local out = redis.call('HGETALL', KEYS[1])
            table.insert(out, 1, redis.call('GET', KEYS[2]) or '0')
            return out
            """,
            List.class);
}
