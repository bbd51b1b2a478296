package io.backupsuite.worker.download;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Download counters and timings: outcomes by error kind, bytes received, duration histogram. */
final class DownloadMetrics {

    private final MeterRegistry registry;
    private final Counter bytes;
    private final Counter resumed;
    private final Counter failovers;
    private final Counter restarts;

    DownloadMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytes = Counter.builder("backup.worker.download.bytes")
                .description("Bytes received from sources")
                .baseUnit("bytes")
                .register(registry);
        this.resumed = Counter.builder("backup.worker.download.resumed.bytes")
                .description("Bytes an attempt found staged and did not fetch again")
                .baseUnit("bytes")
                .register(registry);
        this.failovers = Counter.builder("backup.worker.download.failovers")
                .description("Transfers from one source that failed and moved on to the next try")
                .register(registry);
        this.restarts = Counter.builder("backup.worker.download.restarts")
                .description("Staged content discarded because the source's file changed")
                .register(registry);
    }

    /** A chunk of a ranged transfer sealed; {@code digestChecked} when the source's Content-Digest was verified. */
    void chunkSealed(boolean digestChecked) {
        Counter.builder("backup.worker.download.chunks")
                .description("Chunks fetched by range and sealed, by whether the source's Content-Digest was checked")
                .tag("digest", digestChecked ? "verified" : "absent")
                .register(registry)
                .increment();
    }

    /** A chunk whose bytes did not match the source's Content-Digest (fetched again elsewhere). */
    void badChunk() {
        Counter.builder("backup.worker.download.chunks.rejected")
                .description("Chunks whose bytes did not match the source's Content-Digest")
                .register(registry)
                .increment();
    }

    /** Chunks written again from another replica after the whole-file SHA-256 failed. */
    void repaired(int chunks) {
        Counter.builder("backup.worker.download.chunks.repaired")
                .description("Chunks replaced from another replica after the whole-file SHA-256 failed")
                .register(registry)
                .increment(chunks);
    }

    /** A transfer fetched by ranges with {@code connections} connections at once. */
    void ranged(int connections) {
        Counter.builder("backup.worker.download.ranged")
                .description("Transfers fetched chunk by chunk with byte ranges, by connections used at once")
                .tag("connections", Integer.toString(connections))
                .register(registry)
                .increment();
    }

    void bytes(long n) {
        bytes.increment(n);
    }

    void resumed(long n) {
        resumed.increment(n);
    }

    void failover() {
        failovers.increment();
    }

    void restart() {
        restarts.increment();
    }

    void succeeded(long nanos) {
        record("succeeded", "none", nanos);
    }

    void failed(ErrorKind kind, long nanos) {
        record("failed", kind.name(), nanos);
    }

    private void record(String outcome, String errorKind, long nanos) {
        Counter.builder("backup.worker.downloads")
                .description("Downloads by outcome and error kind")
                .tag("outcome", outcome)
                .tag("error_kind", errorKind)
                .register(registry)
                .increment();
        Timer.builder("backup.worker.download.duration")
                .description("Time to download and verify one object")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
