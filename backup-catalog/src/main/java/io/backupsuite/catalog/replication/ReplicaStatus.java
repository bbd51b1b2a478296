package io.backupsuite.catalog.replication;

import java.util.List;

/**
 * A replica's state at one moment.
 *
 * @param nodeId this member
 * @param role {@code PRIMARY}, {@code CANDIDATE} (collecting promises) or {@code STANDBY}
 * @param epoch highest epoch promised or led
 * @param lastEpoch epoch of the last log entry
 * @param lastSeq last log entry
 * @param commitSeq highest committed entry known here
 * @param appliedSeq highest entry applied to the catalog here
 * @param primaryId the primary followed, {@code null} when unknown
 * @param acceptingWrites primary, not handing over, and enough standbys available for the quorum
 * @param standbys the standbys as the primary sees them (empty elsewhere)
 */
public record ReplicaStatus(
        String nodeId,
        String role,
        long epoch,
        long lastEpoch,
        long lastSeq,
        long commitSeq,
        long appliedSeq,
        String primaryId,
        boolean acceptingWrites,
        List<StandbyView> standbys) {

    public ReplicaStatus {
        standbys = List.copyOf(standbys);
    }

    /** One standby as the primary sees it. */
    public record StandbyView(String nodeId, String state, long matchSeq, long lag) {}
}
