package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.console.roles.MemberReport;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the node table as the API shows it.
 *
 * @param role the member's role in the role table (the role the node reports for nodes outside it); a silent
 *     storage-group member is {@code UNAVAILABLE}
 * @param epoch the role's epoch from the role table, else the epoch the node reports
 * @param reportedRole the role the node itself last reported
 * @param lastHeartbeat ISO-8601 time the console received the last heartbeat
 * @param health the node's own health while its heartbeats are fresh, {@code UNREACHABLE} once they stop
 * @param lag entries the member's log is behind its primary's, {@code null} when unknown
 */
record NodeView(
        String nodeId,
        String kind,
        @Nullable String group,
        @Nullable String role,
        long epoch,
        String address,
        String lastHeartbeat,
        @Nullable String reportedRole,
        long lastSeq,
        long commitSeq,
        @Nullable Long lag,
        String health,
        int inFlight,
        long heartbeatAgeMs) {

    static final String UNREACHABLE = "UNREACHABLE";
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String UNKNOWN = "UNKNOWN";

    static NodeView of(StoredHeartbeat stored, @Nullable RoleAssignment row, @Nullable MemberReport report,
            @Nullable Long lag, Instant now, Duration timeout) {
        NodeStatus s = stored.status();
        long age = Math.max(0, now.toEpochMilli() - stored.receivedAtMillis());
        boolean silent = age > timeout.toMillis();
        String health = silent ? UNREACHABLE : (s.health() == null ? UNKNOWN : s.health());
        String role = row != null ? row.role().name() : s.role();
        if (silent && s.group() != null) {
            role = UNAVAILABLE;
        }
        // the replication report is fresher and more precise than the heartbeat when there is one
        boolean useReport = report != null && report.at() >= stored.receivedAtMillis() - timeout.toMillis();
        return new NodeView(
                s.nodeId(),
                s.kind(),
                s.group(),
                role,
                row != null ? row.epoch() : s.epoch(),
                s.address(),
                Instant.ofEpochMilli(stored.receivedAtMillis()).toString(),
                useReport ? report.role() : s.role(),
                useReport ? report.lastSeq() : s.lastSeq(),
                useReport ? report.commitSeq() : s.commitSeq(),
                lag,
                health,
                s.inFlight(),
                age);
    }
}
