package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaStatus;
import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.HandoverOutcome;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.common.wire.StandbyState;
import io.backupsuite.worker.WorkerNode;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicationControl} over this worker's {@link Replica}. The role table only says who should
 * try and who is out of service; the replica's epochs and promises decide who can commit.
 */
final class ReplicationService implements ReplicationControl {

    private final Replica replica;
    private final WorkerNode node;
    private final Map<String, URI> configured;
    private RoleTable table = new RoleTable(0, java.util.List.of());
    private Set<String> outOfService = new HashSet<>();

    ReplicationService(Replica replica, WorkerNode node, Map<String, URI> configured) {
        this.replica = replica;
        this.node = node;
        this.configured = Map.copyOf(configured);
    }

    @Override
    public ReplicationStatus status() {
        return toWire(replica.status());
    }

    private ReplicationStatus toWire(ReplicaStatus s) {
        return new ReplicationStatus(
                s.nodeId(), node.group(), role(s), s.epoch(), s.lastEpoch(), s.lastSeq(), s.commitSeq(), s.primaryId(), s.acceptingWrites(),
                s.standbys().stream().map(v -> new StandbyState(v.nodeId(), v.state(), v.matchSeq(), v.lag())).toList());
    }

    private synchronized GroupRole role(ReplicaStatus s) {
        if ("PRIMARY".equals(s.role())) {
            return GroupRole.PRIMARY;
        }
        if (outOfService.contains(node.nodeId())) {
            return GroupRole.UNAVAILABLE;
        }
        boolean quasi = table.nodes().stream()
                .anyMatch(a -> a.nodeId().equals(node.nodeId()) && a.role() == GroupRole.QUASI_PRIMARY);
        return quasi ? GroupRole.QUASI_PRIMARY : GroupRole.STANDBY;
    }

    @Override
    public CompletableFuture<ReplicationStatus> promote(long epoch) {
        return replica.promote(epoch).thenApply(this::toWire);
    }

    @Override
    public CompletableFuture<HandoverOutcome> handOver(String targetNodeId, long epoch) {
        long stopped = System.nanoTime(); // the replica refuses writes from this call on
        return replica.handOver(targetNodeId, epoch)
                .thenApply(s -> new HandoverOutcome(targetNodeId, epoch, (System.nanoTime() - stopped) / 1_000_000, status()));
    }

    @Override
    public boolean applyRoleTable(RoleTable newTable) {
        Set<String> nowOut = new HashSet<>();
        synchronized (this) {
            if (newTable.version() <= table.version()) {
                return false;
            }
            for (RoleAssignment a : newTable.nodes()) {
                // a member the primary marked unavailable itself is not held out: the primary probes it and takes it
                // back once it answers; holding it out here would keep it out for good
                if (node.group().equals(a.group()) && a.heldOut()) {
                    nowOut.add(a.nodeId());
                }
            }
            Set<String> before = outOfService;
            table = newTable;
            outOfService = nowOut;
            before.stream().filter(id -> !nowOut.contains(id)).forEach(id -> replica.setAvailable(id, true));
            nowOut.stream().filter(id -> !before.contains(id)).forEach(id -> replica.setAvailable(id, false));
        }
        return true;
    }

    @Override
    public synchronized long roleTableVersion() {
        return table.version();
    }

    @Override
    public void setAvailable(String nodeId, boolean available) {
        synchronized (this) {
            if (available) {
                outOfService.remove(nodeId);
            } else {
                outOfService.add(nodeId);
            }
        }
        replica.setAvailable(nodeId, available);
    }

    @Override
    public Optional<URI> primaryAddress() {
        String primary = replica.status().primaryId();
        if (primary == null || primary.equals(node.nodeId())) {
            return Optional.empty();
        }
        synchronized (this) {
            // the console's table has the address the primary registered; the configuration is the fallback
            for (RoleAssignment a : table.nodes()) {
                if (a.nodeId().equals(primary)) {
                    return Optional.of(URI.create(a.address()));
                }
            }
        }
        return Optional.ofNullable(configured.get(primary));
    }

    @Override
    public long millisSincePrimaryContact() {
        return replica.millisSincePrimaryContact();
    }
}
