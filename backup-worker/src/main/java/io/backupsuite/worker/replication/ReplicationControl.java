package io.backupsuite.worker.replication;

import io.backupsuite.common.wire.HandoverOutcome;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleTable;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The seam through which roles reach the replicated catalog: configuration and operators today, the
 * management console's role table, quasi-primary grant, failover and switchover later. It only says
 * who should try; epochs and promises inside the protocol decide who can commit.
 */
public interface ReplicationControl {

    /** This member's replication state now. */
    ReplicationStatus status();

    /**
     * Becomes primary in exactly this epoch: collects promises from enough members, takes every entry
     * any of them holds, then accepts writes. Completes once it accepts writes; fails when the epoch
     * is not newer than one it has seen or too few members promise.
     */
    CompletableFuture<ReplicationStatus> promote(long epoch);

    /**
     * Planned switchover, on the primary: stops taking writes, waits until the target holds every
     * entry, has it promote in {@code epoch}, and steps down to standby. Completes when the target
     * accepts writes, with the write pause measured; on failure the primary resumes taking writes.
     */
    CompletableFuture<HandoverOutcome> handOver(String targetNodeId, long epoch);

    /** Applies the console's role table when it is newer than the one held; returns whether it did. */
    boolean applyRoleTable(RoleTable table);

    /** Version of the role table this member holds, 0 before any. */
    long roleTableVersion();

    /** Marks a member out of service or back (it then catches up before it counts toward the quorum). */
    void setAvailable(String nodeId, boolean available);

    /** Milliseconds since this member last heard from its primary; 0 on the primary itself. */
    long millisSincePrimaryContact();

    /** The API address of the member this one last followed as primary, when it knows one. */
    Optional<URI> primaryAddress();
}
