package io.backupsuite.dispatcher.dispatch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many attempts may be leased at once, sized to what the workers actually finish. A lease runs from the
 * claim, so an attempt that waits in Kafka or in a busy worker's backlog longer than the lease expires
 * unstarted and is handed out again: the same file is then worked on twice and one attempt's work is wasted.
 * By Little's law an attempt waits about (attempts in flight) / (attempts finished per second); the limit keeps
 * that wait at a quarter of a lease (the finish rate swings with compilations and collections in the workers;
 * at half a lease 1–2 % of the attempts still expired): finish rate × lease / 4, measured over the last few
 * seconds from the queue's counter of finished attempts (shared by all dispatchers), never below
 * {@code backup.dispatcher.min-in-flight} nor above {@code max-in-flight}. An idle queue starts at the minimum and the
 * limit follows the rate up as the workers keep pace. The minimum is small on purpose: with 10 MiB files finishing
 * at 8 a second, a floor of one claim batch (500) kept a minute of work leased, and most of it expired unstarted.
 */
final class InFlightLimit {

    /** How far back the finish rate is measured. */
    static final long WINDOW_MILLIS = 3_000;
    /** The average wait the limit aims at is the lease divided by this. */
    static final int WAIT_DIVISOR = 4;
    /** The shortest span a rate is computed over. */
    static final long MIN_SPAN_MILLIS = 500;

    private record Sample(long atMillis, long finished) {}

    private final int floor;
    private final int ceiling;
    private final long leaseMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private int limit;

    /**
     * @param floor the smallest limit ({@code min-in-flight}), also the starting one
     * @param ceiling the largest limit ({@code backup.dispatcher.max-in-flight})
     * @param leaseMillis the lease duration
     */
    InFlightLimit(int floor, int ceiling, long leaseMillis) {
        this.floor = Math.min(floor, ceiling);
        this.ceiling = ceiling;
        this.leaseMillis = leaseMillis;
        this.limit = this.floor;
    }

    /** Records the queue's finished counter as a claim saw it (Redis time) and returns the limit for the next claim. */
    synchronized int next(long serverTimeMillis, long finishedTotal) {
        Sample last = samples.peekLast();
        if (last != null && (serverTimeMillis < last.atMillis() || finishedTotal < last.finished())) {
            samples.clear(); // the counter or the clock went back (a new Redis): measure afresh
        }
        samples.addLast(new Sample(serverTimeMillis, finishedTotal));
        while (samples.size() > 2 && serverTimeMillis - samples.peekFirst().atMillis() > WINDOW_MILLIS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long span = serverTimeMillis - first.atMillis();
        if (span >= MIN_SPAN_MILLIS) {
            double perMilli = (double) (finishedTotal - first.finished()) / span;
            limit = (int) Math.max(floor, Math.min(ceiling, perMilli * leaseMillis / WAIT_DIVISOR));
        }
        return limit;
    }

    synchronized int current() {
        return limit;
    }
}
