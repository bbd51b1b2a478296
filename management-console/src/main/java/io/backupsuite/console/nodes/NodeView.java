package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the node table as the API shows it.
 *
 * @param health the node's own health while its heartbeats are fresh, {@code UNREACHABLE} once they stop
 * @param role the role the node reports; a silent storage-group member is {@code UNAVAILABLE}
 * @param lastHeartbeat ISO-8601 time the console received the last heartbeat
 */
record NodeView(
        String nodeId,
        String kind,
        @Nullable String group,
        @Nullable String role,
        long epoch,
        String address,
        String lastHeartbeat,
        long lastSeq,
        long commitSeq,
        String health,
        int inFlight,
        long heartbeatAgeMs) {

    static final String UNREACHABLE = "UNREACHABLE";
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String UNKNOWN = "UNKNOWN";

    static NodeView of(StoredHeartbeat stored, Instant now, Duration timeout) {
        NodeStatus s = stored.status();
        long age = Math.max(0, now.toEpochMilli() - stored.receivedAtMillis());
        boolean silent = age > timeout.toMillis();
        String health = silent ? UNREACHABLE : (s.health() == null ? UNKNOWN : s.health());
        String role = silent && s.group() != null ? UNAVAILABLE : s.role();
        return new NodeView(
                s.nodeId(),
                s.kind(),
                s.group(),
                role,
                s.epoch(),
                s.address(),
                Instant.ofEpochMilli(stored.receivedAtMillis()).toString(),
                s.lastSeq(),
                s.commitSeq(),
                health,
                s.inFlight(),
                age);
    }
}
