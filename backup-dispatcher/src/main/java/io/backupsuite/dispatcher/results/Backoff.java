package io.backupsuite.dispatcher.results;

import io.backupsuite.dispatcher.DispatcherProperties.Jitter;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Delay before the next attempt after a failed one: {@code min(max, base * 2^(attempt-1))},
 * randomised by the configured jitter so that tasks that failed together do not retry together.
 */
final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private final Jitter jitter;
    private final LongUnaryOperator random;

    Backoff(Duration base, Duration max, Jitter jitter) {
        this(base, max, jitter, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** {@code random} returns a value in {@code [0, bound]}. */
    Backoff(Duration base, Duration max, Jitter jitter, LongUnaryOperator random) {
        this.baseMillis = Math.max(0, base.toMillis());
        this.maxMillis = Math.max(baseMillis, max.toMillis());
        this.jitter = jitter;
        this.random = random;
    }

    /** The delay after attempt number {@code attempt} (from 1) failed. */
    Duration after(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 62));
        long exponential = baseMillis > (maxMillis >> doublings) ? maxMillis : Math.min(maxMillis, baseMillis << doublings);
        long millis = switch (jitter) {
            case FULL -> random.applyAsLong(exponential);
            case EQUAL -> exponential / 2 + random.applyAsLong(exponential - exponential / 2);
            case NONE -> exponential;
        };
        return Duration.ofMillis(millis);
    }

    /** The attempt number encoded in a token {@code <attempt>-<nonce>}; 1 when it cannot be read. */
    static int attemptOf(String token) {
        int dash = token.indexOf('-');
        try {
            return dash > 0 ? Math.max(1, Integer.parseInt(token.substring(0, dash))) : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
