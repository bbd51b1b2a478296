package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Metrics of the replicated catalog, under {@code backup.worker.replication.*}. */
final class ReplicationMetrics implements ReplicaListener {

    private final MeterRegistry registry;
    private final Timer commit;
    private final Timer fsync;
    private final Counter rollbacks;

    ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.commit = Timer.builder("backup.worker.replication.commit")
                .description("From submission on the primary to commit on the quorum and apply")
                .publishPercentileHistogram()
                .register(registry);
        this.fsync = Timer.builder("backup.worker.replication.log.fsync")
                .description("One group-commit fsync of the replication log")
                .publishPercentileHistogram()
                .register(registry);
        this.rollbacks = Counter.builder("backup.worker.replication.rollbacks")
                .description("Writes rolled back because the quorum did not confirm them in time")
                .register(registry);
    }

    /** Gauges that read the replica's state when scraped. */
    void bind(Replica replica, List<String> standbys) {
        gauge("backup.worker.replication.primary", "1 while this member is the primary", () -> replica.isPrimary() ? 1 : 0);
        gauge("backup.worker.replication.epoch", "Highest epoch promised or led", () -> replica.status().epoch());
        gauge("backup.worker.replication.commit.seq", "Highest committed sequence number known", () -> replica.status().commitSeq());
        gauge("backup.worker.replication.last.seq", "Last sequence number in the log", () -> replica.status().lastSeq());
        gauge("backup.worker.replication.applied.seq", "Last sequence number applied to the catalog", replica::appliedSeq);
        gauge("backup.worker.catalog.entries", "Object keys in this member's catalog", replica::size);
        for (String standby : standbys) {
            Gauge.builder("backup.worker.replication.standby.lag", replica, r -> r.status().standbys().stream()
                            .filter(s -> s.nodeId().equals(standby)).mapToLong(s -> s.lag()).findFirst().orElse(0))
                    .description("Entries a standby is behind the primary's log (primary only)")
                    .tag("standby", standby)
                    .register(registry);
        }
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    @Override
    public void committed(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rolledBack(int count) {
        rollbacks.increment(count);
    }

    @Override
    public void markedUnavailable(String nodeId) {
        Counter.builder("backup.worker.replication.unavailable.marks")
                .description("Times the primary marked a standby unavailable")
                .tag("standby", nodeId)
                .register(registry)
                .increment();
    }

    @Override
    public void fsync(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }
}
