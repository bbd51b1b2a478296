package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;

/**
 * A node's last heartbeat as the console keeps it: the status the node sent and when the console
 * received it (by the console's clock, so ages never depend on the node's clock).
 */
record StoredHeartbeat(NodeStatus status, long receivedAtMillis) {}
