package io.backupsuite.common.wire;

/**
 * A node's heartbeat to the management console: who it is and how it is doing.
 *
 * @param nodeId unique id of the node
 * @param kind {@code dispatcher} or {@code worker}
 * @param group storage group of a worker, {@code null} for dispatchers
 * @param address base URL where the node's API answers
 * @param role the role the node believes it has ({@code PRIMARY}, {@code STANDBY}, ...), may be {@code null}
 * @param epoch the replication epoch the node is in
 * @param lastSeq last sequence number in the node's log
 * @param commitSeq last committed sequence number the node knows
 * @param health {@code UP} or {@code DOWN}
 * @param inFlight transfers in progress
 * @param sentAtMillis when the heartbeat was sent, by the node's clock
 */
public record NodeStatus(
        String nodeId,
        String kind,
        String group,
        String address,
        String role,
        long epoch,
        long lastSeq,
        long commitSeq,
        String health,
        int inFlight,
        long sentAtMillis) {}
