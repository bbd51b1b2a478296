package io.backupsuite.catalog.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records what replicas did during a randomized run and checks the protocol's promises: applied
 * (committed) entries agree across nodes, at most one primary per epoch, a node's applied sequence
 * never goes back within one life, and every acknowledged write is in every node's catalog at the end.
 */
final class HistoryChecker implements TestGroup.PerNode {

    private record Applied(long epoch, int checksum) {}

    private final Map<Long, Applied> committed = new ConcurrentHashMap<>();
    private final Map<Long, String> primaries = new ConcurrentHashMap<>();
    private final Map<String, Long> lastApplied = new ConcurrentHashMap<>();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public ReplicaListener forNode(String id) {
        lastApplied.remove(id); // a new life: re-applying after a restart starts from the saved state
        return new ReplicaListener() {
            @Override
            public void applied(long seq, long epoch, int checksum) {
                Long previous = lastApplied.put(id, seq);
                if (previous != null && seq != previous + 1) {
                    violations.add(id + " applied " + seq + " after " + previous);
                }
                Applied mine = new Applied(epoch, checksum);
                Applied first = committed.putIfAbsent(seq, mine);
                if (first != null && !first.equals(mine)) {
                    violations.add(id + " applied " + mine + " at " + seq + " where another node applied " + first);
                }
            }

            @Override
            public void becamePrimary(long epoch) {
                String other = primaries.putIfAbsent(epoch, id);
                if (other != null && !other.equals(id)) {
                    violations.add("two primaries in epoch " + epoch + ": " + other + " and " + id);
                }
            }
        };
    }

    void violation(String what) {
        violations.add(what);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    long highestEpoch() {
        return primaries.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
