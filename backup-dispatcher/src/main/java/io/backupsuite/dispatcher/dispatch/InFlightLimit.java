package io.backupsuite.dispatcher.dispatch;

import java.util.function.LongSupplier;

/**
 * How many attempts the dispatch loop lets be leased at once, adapted to what the workers actually finish
 * within a lease. A lease runs from the claim, so an attempt that waits in Kafka or in a busy worker's backlog
 * longer than the lease expires unstarted and is handed out again: the same file is then worked on twice and
 * the work it took is wasted. The limit therefore halves when leases expire unstarted (at most once per lease
 * period, so one burst of expiries counts once) and grows again by one claim batch per lease period without any,
 * between one claim batch and the configured maximum — additive increase, multiplicative decrease, as TCP
 * finds a path's capacity.
 */
final class InFlightLimit {

    private final int floor;
    private final int ceiling;
    private final long periodNanos;
    private final LongSupplier clock;
    private int limit;
    private long lastChangeNanos;

    /**
     * @param floor the smallest limit (one claim batch)
     * @param ceiling the largest limit ({@code backup.dispatcher.max-in-flight}), also the starting one
     * @param leaseMillis the lease duration: the period of one adjustment
     */
    InFlightLimit(int floor, int ceiling, long leaseMillis, LongSupplier nanoClock) {
        this.floor = Math.min(floor, ceiling);
        this.ceiling = ceiling;
        this.periodNanos = leaseMillis * 1_000_000;
        this.clock = nanoClock;
        this.limit = ceiling;
        this.lastChangeNanos = nanoClock.getAsLong();
    }

    /** The limit for the next claim, after taking the last promotion pass's unstarted expiries into account. */
    synchronized int next(int unstartedExpiries) {
        long now = clock.getAsLong();
        boolean periodOver = now - lastChangeNanos >= periodNanos;
        if (unstartedExpiries > 0) {
            if (periodOver && limit > floor) {
                limit = Math.max(floor, limit / 2);
            }
            lastChangeNanos = now; // a quiet period starts after the last expiry
        } else if (periodOver && limit < ceiling) {
            limit = Math.min(ceiling, limit + floor);
            lastChangeNanos = now;
        }
        return limit;
    }

    synchronized int current() {
        return limit;
    }
}
