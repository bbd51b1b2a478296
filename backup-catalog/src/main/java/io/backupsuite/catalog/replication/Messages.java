package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.log.LogEntry;
import java.util.List;

/** The messages replicas exchange. Every one carries the sender's epoch; lower epochs are refused. */
public final class Messages {

    private Messages() {}

    /**
     * Primary → standby: entries after (prevEpoch, prevSeq), and the commit sequence number the
     * standby may apply up to. Without entries it is a heartbeat.
     */
    public record AppendRequest(long epoch, String primaryId, long prevSeq, long prevEpoch, long commitSeq, List<LogEntry> entries) {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /** What a standby did with an append. */
    public enum Outcome {
        /** Entries up to {@code matchSeq} match the primary's log and are fsynced here. */
        READY,
        /** The standby's log does not hold (prevEpoch, prevSeq); {@code lastSeq} is where the primary should resume from. */
        MISMATCH,
        /** The sender's epoch is older than the standby's ({@code epoch} is the newer one). */
        STALE,
        /** The request is malformed or would overwrite a committed entry; the log was not touched. */
        REJECTED
    }

    public record AppendReply(long epoch, Outcome outcome, long matchSeq, long lastSeq, String reason) {}

    /** Candidate → member: promise not to accept anything from an epoch below {@code epoch}. */
    public record PromiseRequest(long epoch, String candidateId) {}

    /** A member's promise (or refusal) with the position of its log. */
    public record PromiseReply(long epoch, boolean granted, long lastEpoch, long lastSeq, long commitSeq) {}

    /** Candidate → member that holds the most advanced log: entries from {@code fromSeq}. */
    public record FetchRequest(long epoch, String candidateId, long fromSeq, int max) {}

    public record FetchReply(long epoch, boolean ok, long lastSeq, List<LogEntry> entries, String reason) {
        public FetchReply {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Primary → standby whose next entry is compacted away on the primary: the catalog state as of
     * (snapshotEpoch, snapshotSeq), in chunks; the first clears the standby's state, the last
     * carries the annulled ranges and sets the standby's log to start after the snapshot.
     */
    public record SnapshotChunk(long epoch, String primaryId, long snapshotSeq, long snapshotEpoch, boolean first, boolean last,
            List<String> keys, List<byte[]> values, List<long[]> annulled) {
        public SnapshotChunk {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
            annulled = List.copyOf(annulled);
            if (keys.size() != values.size()) {
                throw new IllegalArgumentException("keys and values differ in number");
            }
        }
    }
}
