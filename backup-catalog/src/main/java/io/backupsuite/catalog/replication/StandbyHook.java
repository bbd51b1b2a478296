package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.state.CatalogOp;
import java.util.List;

/**
 * Runs before a member logs entries it does not hold yet — a standby before it answers ready, the
 * primary before it sequences a write, a new primary before it takes entries from another
 * member's log, a standby before it installs a snapshot chunk: the worker makes sure it holds every
 * blob the operations name (fetching it from the holder or another member and checking its
 * SHA-256). So a committed write's blob is on every member of its commit set. Throwing means "not
 * ready": nothing is logged (a standby's primary sends the entries again).
 */
public interface StandbyHook {

    StandbyHook NONE = new StandbyHook() {
        @Override
        public void beforeReady(List<CatalogOp> ops) {
            // holds nothing, fetches nothing
        }

        @Override
        public boolean hasWork(List<CatalogOp> ops) {
            return false;
        }
    };

    void beforeReady(List<CatalogOp> ops) throws Exception;

    /**
     * Whether {@link #beforeReady} has anything to do for these operations (a blob to fetch). {@code false} lets a
     * standby skip it and answer on the thread that read the append; {@code true} sends the append to a thread
     * that may wait, so that later messages are not held up behind the fetch. When in doubt, {@code true}.
     */
    default boolean hasWork(List<CatalogOp> ops) {
        return true;
    }

    /**
     * The primary's question before it sends an append of these operations to {@code standbyId}: whether that standby
     * may first have to stream blobs it does not hold, which takes longer than the standby timeout allows. The primary
     * then waits for that append up to the write timeout, so that a standby busy fetching is not taken for a failed
     * one (and marked unavailable, leaving no quorum). When in doubt, {@code false}.
     */
    default boolean mayStream(String standbyId, List<CatalogOp> ops) {
        return false;
    }
}
