package io.backupsuite.common.wire;

import java.util.List;

/**
 * A storage-group member's replication state, as it reports it to the console and to operators.
 *
 * @param nodeId the member's id
 * @param group its storage group
 * @param role the role it acts in now
 * @param epoch highest epoch it has promised or leads
 * @param lastEpoch epoch of the last entry in its log
 * @param lastSeq sequence number of the last entry in its log
 * @param commitSeq highest committed sequence number it knows
 * @param primaryId the primary it follows (itself when primary), {@code null} when unknown
 * @param acceptingWrites whether it takes catalog writes now (primary, not handing over, quorum reachable)
 * @param standbys the standbys as the primary sees them; empty on other members
 */
public record ReplicationStatus(
        String nodeId,
        String group,
        GroupRole role,
        long epoch,
        long lastEpoch,
        long lastSeq,
        long commitSeq,
        String primaryId,
        boolean acceptingWrites,
        List<StandbyState> standbys) {

    public ReplicationStatus {
        standbys = List.copyOf(standbys);
    }
}
