package io.backupsuite.console.roles;

import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.common.wire.StandbyState;
import io.backupsuite.console.ConsoleProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The role table (M1 claim 7) and the group state behind it, kept in Redis: the facade other features use.
 * Every change is one script ({@link RoleScripts}); a change of the table publishes {@link RoleTableChanged}.
 */
@Component
public class RoleBook {

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private final ConsoleProperties properties;
    private final ApplicationEventPublisher events;
    private final String prefix;

    RoleBook(StringRedisTemplate redis, JsonMapper json, Clock clock, ConsoleProperties properties,
            ApplicationEventPublisher events) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
        this.events = events;
        this.prefix = properties.keyPrefix();
    }

    /** A storage-group member's heartbeat: registers it and weighs its claim to be primary. */
    public ReportOutcome register(String nodeId, String group, String address, @Nullable String role, long epoch) {
        List<?> out = redis.execute(RoleScripts.REGISTER, keys(group), nodeId, group, address,
                Objects.toString(role, ""), Long.toString(epoch), now(), history());
        return outcome(out, null, 0, 0, "");
    }

    /** A member's replication report, which is also its request for the quasi-primary role. */
    public ReportOutcome report(ReplicationStatus status, String address) {
        long at = clock.millis();
        String out = status.standbys().stream()
                .filter(s -> "UNAVAILABLE".equals(s.state()))
                .map(StandbyState::nodeId)
                .collect(Collectors.joining(",", ",", ","));
        List<?> result = redis.execute(RoleScripts.REPORT, keys(status.group()), status.nodeId(), status.group(),
                address, status.role().name(), Long.toString(status.epoch()), Long.toString(status.lastEpoch()),
                Long.toString(status.lastSeq()), json.writeValueAsString(MemberReport.of(status, at)),
                Long.toString(at), Long.toString(properties.statusFreshness().toMillis()),
                Long.toString(properties.quasiPrimaryTolerance()), out,
                Long.toString(properties.authorisationTimeout().toMillis()), history());
        return outcome(result, result.get(3).toString(), Long.parseLong(result.get(4).toString()),
                Long.parseLong(result.get(5).toString()), result.get(6).toString());
    }

    /** Authorises exactly one candidate per new epoch, for a failover (quasi-primary only) or a switchover. */
    public Authorisation authorise(String group, String candidate, long observedEpoch, boolean switchover) {
        List<?> out = redis.execute(RoleScripts.AUTHORISE, keys(group), candidate, Long.toString(observedEpoch), now(),
                Long.toString(properties.authorisationTimeout().toMillis()), switchover ? "switchover" : "failover",
                history());
        return new Authorisation(out.get(0).toString(), Long.parseLong(out.get(1).toString()));
    }

    /** Takes a member out of service or returns it; false when the member is unknown. */
    public boolean setAvailable(String group, String nodeId, boolean available, String who) {
        List<?> out = redis.execute(RoleScripts.AVAILABILITY, keys(group), nodeId, available ? "1" : "0", who, now(),
                history());
        if (!"ok".equals(out.get(0).toString())) {
            return false;
        }
        events.publishEvent(new RoleTableChanged(Long.parseLong(out.get(1).toString())));
        return true;
    }

    /** The whole table, rows sorted by group and node id. */
    public RoleTable table() {
        List<?> raw = redis.execute(RoleScripts.READ, List.of(prefix + ":roles", prefix + ":nodes:version"));
        List<RoleAssignment> rows = new ArrayList<>();
        for (int i = 2; i < raw.size(); i += 2) {
            rows.add(json.readValue(raw.get(i).toString(), RoleAssignment.class));
        }
        rows.sort(Comparator.comparing(RoleAssignment::group).thenComparing(RoleAssignment::nodeId));
        return new RoleTable(Long.parseLong(raw.get(0).toString()), rows);
    }

    /** The table with only one group's rows (same version). */
    public RoleTable table(String group) {
        RoleTable all = table();
        return new RoleTable(all.version(), all.nodes().stream().filter(r -> r.group().equals(group)).toList());
    }

    /** Every member's last replication report, by node id. */
    public Map<String, MemberReport> reports() {
        return redis.<String, String>opsForHash().entries(prefix + ":status").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> json.readValue(e.getValue(), MemberReport.class)));
    }

    /** The newest role changes first. */
    public List<RoleChange> history(int limit) {
        List<String> raw = redis.opsForList().range(prefix + ":history", 0, limit - 1L);
        return raw == null ? List.of() : raw.stream().map(s -> json.readValue(s, RoleChange.class)).toList();
    }

    private ReportOutcome outcome(List<?> out, @Nullable String quasi, long epoch, long authorisedAt, String mode) {
        long version = Long.parseLong(out.get(0).toString());
        boolean changed = "1".equals(out.get(2).toString());
        if (changed) {
            events.publishEvent(new RoleTableChanged(version));
        }
        return new ReportOutcome(version, changed, "stale".equals(out.get(1).toString()),
                quasi == null || quasi.isEmpty() ? null : quasi, epoch, authorisedAt, mode);
    }

    private List<String> keys(String group) {
        return List.of(prefix + ":roles", prefix + ":nodes:version", prefix + ":group:" + group, prefix + ":status",
                prefix + ":history");
    }

    private String now() {
        return Long.toString(clock.millis());
    }

    private String history() {
        return Integer.toString(properties.historySize());
    }
}
