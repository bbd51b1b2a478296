package io.backupsuite.common.node;

import io.backupsuite.common.wire.NodeStatus;

/** Supplies the node's current status for the next heartbeat; each service provides one bean. */
@FunctionalInterface
public interface NodeStatusSource {

    NodeStatus currentStatus();
}
