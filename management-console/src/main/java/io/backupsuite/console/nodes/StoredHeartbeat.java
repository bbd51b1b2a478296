package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;
import java.util.Objects;

/**
 * A node's last heartbeat as the console keeps it: the status the node sent and when the console
 * received it (by the console's clock, so ages never depend on the node's clock).
 */
record StoredHeartbeat(NodeStatus status, long receivedAtMillis) {

    /**
     * What, when it changes, makes a new version of the role table: which node, where, in which group,
     * with which role in which epoch. Progress numbers and health change every beat and do not count.
     */
    String identity() {
        return String.join(
                "|",
                status.kind(),
                Objects.toString(status.group(), ""),
                Objects.toString(status.role(), ""),
                Long.toString(status.epoch()),
                status.address());
    }
}
