package io.backupsuite.worker.download;

import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A small memory of how each source host (host:port) did lately, shared by all transfers: a host
 * that failed within {@code failureMemory} comes after the healthy ones, then faster hosts (a moving
 * average of body throughput) before slower ones; ties keep the task's order.
 */
final class ReplicaHealth {

    /** Hosts remembered; beyond this the memory starts over (it is only a hint). */
    private static final int MAX_HOSTS = 1024;
    /** Transfers shorter than this say little about throughput. */
    private static final long MIN_SAMPLE_BYTES = 64 * 1024;

    private record Stats(long failedAtNanos, double bytesPerSecond) {}

    private final Map<String, Stats> hosts = new ConcurrentHashMap<>();
    private final long failureMemoryNanos;
    private final LongSupplier nanoTime;

    ReplicaHealth(Duration failureMemory, LongSupplier nanoTime) {
        this.failureMemoryNanos = failureMemory.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The sources in the order to try them. */
    List<String> order(List<String> sources) {
        long now = nanoTime.getAsLong();
        Comparator<String> healthyFirst = Comparator.comparing(s -> recentlyFailed(s, now));
        Comparator<String> fasterFirst = Comparator.comparingDouble(s -> -stats(s).bytesPerSecond());
        return sources.stream().sorted(healthyFirst.thenComparing(fasterFirst)).toList();
    }

    void succeeded(String source, long bytes, long nanos) {
        if (bytes < MIN_SAMPLE_BYTES || nanos <= 0) {
            return;
        }
        double rate = bytes * 1e9 / nanos;
        remember(source, s -> new Stats(0, s.bytesPerSecond() == 0 ? rate : 0.7 * s.bytesPerSecond() + 0.3 * rate));
    }

    void failed(String source) {
        long now = nanoTime.getAsLong();
        remember(source, s -> new Stats(now == 0 ? 1 : now, s.bytesPerSecond()));
    }

    private boolean recentlyFailed(String source, long now) {
        long failedAt = stats(source).failedAtNanos();
        return failedAt != 0 && now - failedAt < failureMemoryNanos;
    }

    private Stats stats(String source) {
        return hosts.getOrDefault(host(source), new Stats(0, 0));
    }

    private void remember(String source, java.util.function.UnaryOperator<Stats> change) {
        if (hosts.size() >= MAX_HOSTS) {
            hosts.clear();
        }
        hosts.compute(host(source), (k, s) -> change.apply(s == null ? new Stats(0, 0) : s));
    }

    private static String host(String source) {
        try {
            URI uri = URI.create(source);
            return uri.getHost() == null ? source : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return source;
        }
    }
}
