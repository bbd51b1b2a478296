package io.backupsuite.console.failover;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.console.ConsoleProperties;
import io.backupsuite.console.audit.AuditLog;
import io.backupsuite.console.roles.Authorisation;
import io.backupsuite.console.roles.FailoverMetrics;
import io.backupsuite.console.roles.RoleBook;
import io.backupsuite.console.roles.RoleException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Planned switchover (M1 claim 4), asked for by an operator: one per group at a time across every console
 * (a Redis lock), the target's epoch authorised like a failover's, then the primary hands over to it.
 */
@Component
class Switchover {

    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

    private final RoleBook book;
    private final PrimaryClient primary;
    private final AuditLog audit;
    private final FailoverMetrics metrics;
    private final StringRedisTemplate redis;
    private final ConsoleProperties properties;

    Switchover(RoleBook book, PrimaryClient primary, AuditLog audit, FailoverMetrics metrics, StringRedisTemplate redis,
            ConsoleProperties properties) {
        this.book = book;
        this.primary = primary;
        this.audit = audit;
        this.metrics = metrics;
        this.redis = redis;
        this.properties = properties;
    }

    /** Runs a switchover of the group to the named member, or to the quasi-primary when none is named. */
    Result run(String group, @Nullable String target, String who) {
        String lockKey = properties.keyPrefix() + ":switchover:" + group;
        String token = UUID.randomUUID().toString();
        Duration hold = properties.handoverTimeout().plus(properties.authorisationTimeout());
        if (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(lockKey, token, hold))) {
            audit.record(who, "switchover", group, "refused: another switchover is running", null);
            throw RoleException.switchoverRunning(group);
        }
        try {
            Result result = switchOver(group, target);
            audit.record(who, "switchover", group, "ok",
                    "from " + result.from() + " to " + result.to() + " epoch " + result.epoch() + " pause " + result.pauseMs() + " ms (call " + result.callMs() + " ms)");
            return result;
        } catch (ApiException e) {
            audit.record(who, "switchover", group, "failed: " + e.getMessage(), target);
            throw e;
        } finally {
            redis.execute(RELEASE, List.of(lockKey), token);
        }
    }

    private Result switchOver(String group, @Nullable String target) {
        RoleTable table = book.table(group);
        RoleAssignment current = find(table, r -> r.role() == GroupRole.PRIMARY).orElseThrow(() -> RoleException.noPrimary(group));
        RoleAssignment next = (target == null
                        ? find(table, r -> r.role() == GroupRole.QUASI_PRIMARY)
                        : find(table, r -> r.nodeId().equals(target)))
                .orElseThrow(() -> target == null
                        ? RoleException.notCandidate("(none)", "the group has no quasi-primary; name a target")
                        : RoleException.unknownMember(group, target));
        Authorisation auth = book.authorise(group, next.nodeId(), current.epoch(), true);
        if (!auth.granted()) {
            throw "busy".equals(auth.outcome())
                    ? RoleException.busy(group, auth.epoch())
                    : RoleException.notCandidate(next.nodeId(), "it is the primary or out of service (" + auth.outcome() + ")");
        }
        long start = System.nanoTime();
        OptionalLong measured = primary.handover(current.nodeId(), current.address(), next.nodeId(), auth.epoch(),
                properties.handoverTimeout());
        long callMs = (System.nanoTime() - start) / 1_000_000;
        // writes pause on the primary only; a primary that does not say how long is charged the whole call
        long pauseMs = measured.orElse(callMs);
        metrics.switchoverPause(group, Duration.ofMillis(pauseMs));
        // the target leads the authorised epoch now; its own report would say the same a moment later
        book.register(next.nodeId(), group, next.address(), GroupRole.PRIMARY.name(), auth.epoch());
        return new Result(group, current.nodeId(), next.nodeId(), auth.epoch(), pauseMs, callMs);
    }

    private static java.util.Optional<RoleAssignment> find(RoleTable table, java.util.function.Predicate<RoleAssignment> p) {
        return table.nodes().stream().filter(p).findFirst();
    }

    /**
     * A completed switchover: who led before and after, the new epoch, the write pause (how long the primary
     * refused writes until its successor took them) and the whole handover call as the console saw it.
     */
    record Result(String group, String from, String to, long epoch, long pauseMs, long callMs) {}
}
