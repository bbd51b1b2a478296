package io.backupsuite.dispatcher.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TaskQueue} behaves.
 *
 * @param namespace hash tag of every key, e.g. {@code bq} gives {@code {bq}:pending}
 * @param leaseDuration how long a leased attempt may run without a progress report
 * @param maxAttempts attempts per budget before a task is dead
 * @param maxInFlight the most attempts leased at once (the largest size of working)
 * @param doneRetention how long a finished task stays readable
 * @param promoteBatchSize the most expired leases and due retries moved by one promotion pass
 */
public record QueueSettings(
        String namespace,
        Duration leaseDuration,
        int maxAttempts,
        int maxInFlight,
        Duration doneRetention,
        int promoteBatchSize) {

    public QueueSettings {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank() || namespace.contains("{") || namespace.contains("}")) {
            throw new IllegalArgumentException("namespace must be non-blank and free of braces");
        }
        if (leaseDuration.toMillis() < 1 || maxAttempts < 1 || maxInFlight < 1 || promoteBatchSize < 1) {
            throw new IllegalArgumentException("lease, attempts, in-flight and batch limits must be positive");
        }
        if (doneRetention.toSeconds() < 1) {
            throw new IllegalArgumentException("doneRetention must be at least one second");
        }
    }

    /** The production defaults under a namespace. */
    public static QueueSettings defaults(String namespace) {
        return new QueueSettings(namespace, Duration.ofSeconds(10), 5, 5000, Duration.ofDays(7), 1000);
    }

    /**
     * How many expired leases of attempts that never reported progress a task may have (per budget)
     * before further ones count as failed attempts: generous, but finite, so that a task whose
     * workers die before they can report does not circulate for ever.
     */
    public int maxUnstartedExpiries() {
        return (int) Math.min(Integer.MAX_VALUE, 10L * maxAttempts);
    }

    public QueueSettings withLease(Duration lease) {
        return new QueueSettings(namespace, lease, maxAttempts, maxInFlight, doneRetention, promoteBatchSize);
    }

    public QueueSettings withMaxAttempts(int attempts) {
        return new QueueSettings(namespace, leaseDuration, attempts, maxInFlight, doneRetention, promoteBatchSize);
    }

    public QueueSettings withMaxInFlight(int inFlight) {
        return new QueueSettings(namespace, leaseDuration, maxAttempts, inFlight, doneRetention, promoteBatchSize);
    }

    public QueueSettings withDoneRetention(Duration retention) {
        return new QueueSettings(namespace, leaseDuration, maxAttempts, maxInFlight, retention, promoteBatchSize);
    }
}
