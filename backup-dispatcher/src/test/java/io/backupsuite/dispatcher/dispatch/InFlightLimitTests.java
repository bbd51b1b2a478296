package io.backupsuite.dispatcher.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-flight limit follows the measured finish rate: rate × lease / 4, between one claim batch and the maximum. */
class InFlightLimitTests {

    private final InFlightLimit limit = new InFlightLimit(500, 5000, 20_000); // 5 s of finished attempts

    @Test
    void anIdleQueueStartsAtOneClaimBatch() {
        assertThat(limit.current()).isEqualTo(500);
        assertThat(limit.next(1_000, 0)).isEqualTo(500);
        assertThat(limit.next(5_000, 0)).as("nothing finishes: the floor").isEqualTo(500);
    }

    @Test
    void theLimitIsTheFinishRateTimesHalfALease() {
        limit.next(0, 0);
        assertThat(limit.next(200, 60)).as("under half a second measured: unchanged").isEqualTo(500);
        assertThat(limit.next(1_000, 300)).as("300 per second x 5 s").isEqualTo(1500);
        assertThat(limit.next(2_000, 700)).as("350 per second over the last two").isEqualTo(1750);
    }

    @Test
    void theRateIsMeasuredOverTheLastFewSecondsOnly() {
        limit.next(0, 0);
        limit.next(1_000, 1_000);     // 1,000/s at first
        limit.next(2_000, 2_000);
        limit.next(5_000, 2_300);     // then the workers slow down to 100/s
        limit.next(6_000, 2_400);
        assertThat(limit.next(7_000, 2_500)).as("only the slow seconds count by now").isEqualTo(500);
    }

    @Test
    void theLimitStaysWithinOneBatchAndTheMaximum() {
        limit.next(0, 0);
        assertThat(limit.next(1_000, 100_000)).isEqualTo(5000);
        var tiny = new InFlightLimit(500, 100, 10_000);
        assertThat(tiny.next(0, 0)).isEqualTo(100);
    }

    @Test
    void aCounterOrClockThatGoesBackStartsTheMeasurementAfresh() {
        limit.next(0, 0);
        limit.next(1_000, 400);
        assertThat(limit.current()).isEqualTo(2000);
        assertThat(limit.next(2_000, 10)).as("a new Redis: no rate yet").isEqualTo(2000);
        assertThat(limit.next(3_000, 210)).isEqualTo(1000);
    }
}
