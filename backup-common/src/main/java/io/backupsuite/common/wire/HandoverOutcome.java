package io.backupsuite.common.wire;

/**
 * A primary's answer to a planned switchover it completed.
 *
 * @param target the member that leads now
 * @param epoch the epoch it leads
 * @param writePauseMs how long this primary refused writes: from the moment it stopped taking them until its
 *     successor answered that it takes them (the successor's answer in transit included)
 * @param status this member's replication state afterwards
 */
public record HandoverOutcome(String target, long epoch, long writePauseMs, ReplicationStatus status) {}
