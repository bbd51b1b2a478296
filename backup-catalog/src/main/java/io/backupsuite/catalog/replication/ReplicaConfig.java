package io.backupsuite.catalog.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one replica runs.
 *
 * @param nodeId this member's id
 * @param members every member's id, this one included
 * @param quorum standby ready answers a commit needs (the primary's own log counts in addition); 0 only for a
 *     one-member group, whose own fsync commits
 * @param dataDir where the log and the catalog state live
 * @param writeTimeout a write not committed within this is rolled back
 * @param standbyTimeout backup time threshold: an append to one standby taking longer is abandoned for that standby
 * @param standbyRetries failed appends in a row after which a standby is marked unavailable
 * @param heartbeatInterval longest silence of the primary towards a standby
 * @param maxBatchEntries most entries per append
 * @param window appends in flight per standby (pipelining) once a quarter of {@code maxBatchEntries} waits
 * @param segmentBytes log segment size
 * @param checkpointEntries applied entries between checkpoints of the state (then the log is compacted)
 */
public record ReplicaConfig(
        String nodeId,
        List<String> members,
        int quorum,
        Path dataDir,
        Duration writeTimeout,
        Duration standbyTimeout,
        int standbyRetries,
        Duration heartbeatInterval,
        int maxBatchEntries,
        int window,
        long segmentBytes,
        long checkpointEntries) {

    public ReplicaConfig {
        members = List.copyOf(members);
        if (!members.contains(nodeId)) {
            throw new IllegalArgumentException("members must include this node " + nodeId);
        }
        boolean standalone = members.size() == 1 && quorum == 0;
        if (!standalone && (quorum < 1 || quorum > members.size() - 1)) {
            throw new IllegalArgumentException("quorum must be 1.." + (members.size() - 1) + " standbys, was " + quorum);
        }
    }

    /** Sensible defaults for the given identity. */
    public static ReplicaConfig defaults(String nodeId, List<String> members, int quorum, Path dataDir) {
        return new ReplicaConfig(nodeId, members, quorum, dataDir, Duration.ofSeconds(5), Duration.ofSeconds(1), 3,
                Duration.ofMillis(20), 2048, 4, 64L << 20, 100_000);
    }

    /** Promises a new primary needs, itself included: enough to meet every commit set and a majority. */
    public int promisesNeeded() {
        return Math.max(members.size() - quorum, members.size() / 2 + 1);
    }

    public List<String> others() {
        return members.stream().filter(m -> !m.equals(nodeId)).toList();
    }
}
