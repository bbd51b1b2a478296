package io.backupsuite.worker.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * What the download path asks before and while it moves bytes: a slot at the source host
 * ({@link #enterHost}), room on the disk ({@link #reserveDisk}) and its share of the global
 * bandwidth ({@link #throttle}). Every refusal is a {@link LimitException} that a later attempt may
 * not meet. Thread-safe; the limits can change while transfers run.
 */
public final class TransferLimits {

    private final HostSlots hosts;
    private final BandwidthLimit bandwidth;
    private final DiskGuard disk;
    private final long hostWaitNanos;
    private final Timer hostWait;
    private final Timer throttleWait;
    private final Counter busyRefusals;
    private final Counter diskRefusals;

    TransferLimits(LimitsProperties properties, LongSupplier usableSpace, MeterRegistry registry) {
        this.hosts = new HostSlots(properties.perHostConcurrency());
        this.bandwidth = new BandwidthLimit(properties.bandwidth().toBytes());
        this.disk = new DiskGuard(usableSpace, properties.minFreeSpace().toBytes());
        this.hostWaitNanos = properties.hostWait().toNanos();
        this.hostWait = Timer.builder("backup.worker.limits.host.wait")
                .description("Time a transfer waited for a slot at its source host")
                .publishPercentileHistogram().register(registry);
        this.throttleWait = Timer.builder("backup.worker.limits.bandwidth.wait")
                .description("Time transfers were held back by the bandwidth limit, per buffer")
                .publishPercentileHistogram().register(registry);
        this.busyRefusals = Counter.builder("backup.worker.limits.refused").tag("limit", "source_busy")
                .description("Transfers refused by a limit").register(registry);
        this.diskRefusals = Counter.builder("backup.worker.limits.refused").tag("limit", "disk_full")
                .description("Transfers refused by a limit").register(registry);
        Gauge.builder("backup.worker.limits.bandwidth.rate", bandwidth, BandwidthLimit::rate).baseUnit("bytes")
                .description("Bandwidth limit in bytes per second (0: none)").register(registry);
        Gauge.builder("backup.worker.limits.host.slots.used", hosts, HostSlots::taken)
                .description("Source host slots held by running transfers").register(registry);
        Gauge.builder("backup.worker.limits.disk.free", disk, DiskGuard::free).baseUnit("bytes")
                .description("Usable space of the data directory's filesystem").register(registry);
        Gauge.builder("backup.worker.limits.disk.reserved", disk, DiskGuard::reserved).baseUnit("bytes")
                .description("Bytes reserved by running transfers").register(registry);
    }

    /** Limits for the data directory {@code dataDir}. */
    public static TransferLimits create(LimitsProperties properties, Path dataDir, MeterRegistry registry) {
        return new TransferLimits(properties, DiskGuard.usableSpaceOf(dataDir), registry);
    }

    /** No limits (tools, benchmarks and tests outside Spring). */
    public static TransferLimits unlimited() {
        return new TransferLimits(LimitsProperties.none(), () -> Long.MAX_VALUE, new SimpleMeterRegistry());
    }

    /** Takes a slot at the source's host:port, waiting at most {@code host-wait}; close it when the transfer from that source ends. */
    public Permit enterHost(String sourceUrl) throws LimitException {
        long started = System.nanoTime();
        try {
            return hosts.acquire(sourceUrl, hostWaitNanos);
        } catch (LimitException e) {
            busyRefusals.increment();
            throw e;
        } finally {
            hostWait.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Reserves room for {@code bytes} more in the data directory; close it when the transfer ends. */
    public Permit reserveDisk(long bytes) throws LimitException {
        try {
            return disk.reserve(Math.max(0, bytes));
        } catch (LimitException e) {
            diskRefusals.increment();
            throw e;
        }
    }

    /** Waits until {@code bytes} received may pass the bandwidth limit (returns at once without one). */
    public void throttle(long bytes) throws InterruptedException {
        if (!bandwidth.limited()) {
            return;
        }
        long started = System.nanoTime();
        bandwidth.take(bytes);
        throttleWait.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Whether the disk has room for new work at all (readiness). */
    public boolean acceptingWork() {
        return disk.accepting();
    }

    LimitsView view() {
        return new LimitsView(bandwidth.rate(), hosts.limit(), disk.threshold(), disk.free(), disk.reserved(), disk.accepting());
    }

    /** Applies the fields that are set; validated by the caller. */
    LimitsView update(LimitsUpdate update) {
        if (update.bandwidthBytesPerSecond() != null) {
            bandwidth.rate(update.bandwidthBytesPerSecond());
        }
        if (update.perHostConcurrency() != null) {
            hosts.limit(update.perHostConcurrency());
        }
        if (update.minFreeSpaceBytes() != null) {
            disk.threshold(update.minFreeSpaceBytes());
        }
        return view();
    }
}
