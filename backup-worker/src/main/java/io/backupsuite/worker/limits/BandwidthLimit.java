package io.backupsuite.worker.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;

/**
 * The global bandwidth limit: one Bucket4j token bucket (one token = one byte) shared by every
 * transfer, refilled greedily at the rate, holding at most one second of bytes (the burst). A rate
 * of 0 means no limit and costs nothing per call. The rate can change while transfers wait: tokens
 * carry over in proportion.
 */
final class BandwidthLimit {

    private volatile Bucket bucket;
    private volatile long rate;

    BandwidthLimit(long bytesPerSecond) {
        rate(bytesPerSecond);
    }

    long rate() {
        return rate;
    }

    synchronized void rate(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            bucket = null;
        } else if (bucket == null) {
            bucket = Bucket.builder().addLimit(limit -> limit.capacity(bytesPerSecond)
                    .refillGreedy(bytesPerSecond, Duration.ofSeconds(1))).build();
        } else {
            bucket.replaceConfiguration(configuration(bytesPerSecond), TokensInheritanceStrategy.PROPORTIONALLY);
        }
        rate = Math.max(0, bytesPerSecond);
    }

    /** Whether a call to {@link #take} may wait. */
    boolean limited() {
        return bucket != null;
    }

    /** Blocks until {@code bytes} may pass. */
    void take(long bytes) throws InterruptedException {
        Bucket current = bucket;
        long left = bytes;
        while (current != null && left > 0) {
            // a request above the capacity could never be granted at once: take it in slices
            long slice = Math.min(left, Math.max(1, rate));
            current.asBlocking().consume(slice);
            left -= slice;
            current = bucket;
        }
    }

    private static BucketConfiguration configuration(long bytesPerSecond) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(bytesPerSecond).refillGreedy(bytesPerSecond, Duration.ofSeconds(1)))
                .build();
    }
}
