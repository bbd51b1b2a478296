package io.backupsuite.dispatcher.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-flight limit halves on unstarted expiries once per lease period and grows back one batch per quiet period. */
class InFlightLimitTests {

    private final AtomicLong now = new AtomicLong();
    private final InFlightLimit limit = new InFlightLimit(500, 5000, 10_000, now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void startsAtTheMaximumAndStaysThereWhileNothingExpires() {
        assertThat(limit.next(0)).isEqualTo(5000);
        advanceMillis(60_000);
        assertThat(limit.next(0)).isEqualTo(5000);
    }

    @Test
    void unstartedExpiriesHalveTheLimitOncePerLeasePeriod() {
        advanceMillis(10_000);
        assertThat(limit.next(120)).isEqualTo(2500);
        advanceMillis(1_000);
        assertThat(limit.next(80)).as("the same burst of expiries counts once").isEqualTo(2500);
        advanceMillis(10_000);
        assertThat(limit.next(3)).isEqualTo(1250);
        for (int i = 0; i < 10; i++) {
            advanceMillis(10_000);
            limit.next(1);
        }
        assertThat(limit.current()).as("never below one claim batch").isEqualTo(500);
    }

    @Test
    void aQuietLeasePeriodGrowsTheLimitByOneBatchUpToTheMaximum() {
        advanceMillis(10_000);
        limit.next(5);
        assertThat(limit.current()).isEqualTo(2500);
        advanceMillis(9_999);
        assertThat(limit.next(0)).as("not a whole quiet period yet").isEqualTo(2500);
        advanceMillis(1);
        assertThat(limit.next(0)).isEqualTo(3000);
        advanceMillis(5_000);
        assertThat(limit.next(0)).isEqualTo(3000);
        for (int i = 0; i < 10; i++) {
            advanceMillis(10_000);
            limit.next(0);
        }
        assertThat(limit.current()).isEqualTo(5000);
    }

    @Test
    void aFloorAboveTheMaximumIsTheMaximum() {
        var small = new InFlightLimit(500, 100, 10_000, now::get);
        advanceMillis(10_000);
        assertThat(small.next(7)).isEqualTo(100);
    }
}
