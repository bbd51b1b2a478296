package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.console.ConsoleProperties;
import io.backupsuite.console.roles.Lag;
import io.backupsuite.console.roles.MemberReport;
import io.backupsuite.console.roles.ReportOutcome;
import io.backupsuite.console.roles.RoleBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the last heartbeat of every node in Redis ({@code <prefix>:nodes}, node id → heartbeat JSON) and
 * registers storage-group members in the role table. The node table joins both: identity and health from
 * heartbeats, role and epoch from the role table.
 */
@Component
class NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private final RoleBook roles;
    private final Duration heartbeatTimeout;
    private final String nodesKey;
    private final Counter heartbeats;

    NodeRegistry(StringRedisTemplate redis, JsonMapper json, Clock clock, ConsoleProperties properties,
            RoleBook roles, MeterRegistry meters) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.roles = roles;
        this.heartbeatTimeout = properties.heartbeatTimeout();
        this.nodesKey = properties.keyPrefix() + ":nodes";
        this.heartbeats = Counter.builder("backup.console.heartbeats")
                .description("Heartbeats received from nodes")
                .register(meters);
    }

    /** Stores a validated heartbeat; a storage-group member is registered in the role table and its claim weighed. */
    NodeController.HeartbeatAccepted record(NodeStatus status) {
        StoredHeartbeat stored = new StoredHeartbeat(status, clock.millis());
        redis.opsForHash().put(nodesKey, status.nodeId(), json.writeValueAsString(stored));
        heartbeats.increment();
        if (status.group() == null || !"worker".equals(status.kind())) {
            return new NodeController.HeartbeatAccepted(roles.table().version(), null);
        }
        ReportOutcome outcome =
                roles.register(status.nodeId(), status.group(), status.address(), status.role(), status.epoch());
        // a member behind the group's epoch is told the current table, never obeyed
        return new NodeController.HeartbeatAccepted(outcome.version(), outcome.stale() ? roles.table(status.group()) : null);
    }

    /** The node table as of now, sorted by node id. */
    NodeTable table() {
        Map<Object, Object> raw = redis.opsForHash().entries(nodesKey);
        RoleTable table = roles.table();
        Map<String, RoleAssignment> rows =
                table.nodes().stream().collect(Collectors.toMap(RoleAssignment::nodeId, Function.identity()));
        Map<String, MemberReport> reports = roles.reports();
        var now = clock.instant();
        List<NodeView> nodes = new ArrayList<>();
        raw.forEach((id, beat) -> {
            try {
                StoredHeartbeat stored = json.readValue(beat.toString(), StoredHeartbeat.class);
                RoleAssignment row = rows.get(id.toString());
                MemberReport report = reports.get(id.toString());
                Long lag = row == null ? null : Lag.of(row, table, reports).stream().boxed().findFirst().orElse(null);
                nodes.add(NodeView.of(stored, row, report, lag, now, heartbeatTimeout));
            } catch (JacksonException e) {
                // one unreadable entry (say, written by a newer console) must not hide the others
                log.warn("Skipping unreadable heartbeat of node {}: {}", id, e.getOriginalMessage());
            }
        });
        nodes.sort(Comparator.comparing(NodeView::nodeId));
        return new NodeTable(table.version(), nodes);
    }
}
