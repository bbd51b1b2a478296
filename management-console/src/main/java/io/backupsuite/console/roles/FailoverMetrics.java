package io.backupsuite.console.roles;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Counters and histograms of role changes: {@code backup.console.failovers{group, kind, step}} and the time
 * from an authorised epoch to its candidate reporting it is primary ({@code backup.console.failover.duration}),
 * plus the write pause of switchovers ({@code backup.console.switchover.pause}).
 */
@Component
public class FailoverMetrics {

    private final MeterRegistry meters;
    private final Clock clock;

    FailoverMetrics(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

    void authorised(String group, String kind) {
        meters.counter("backup.console.failovers", "group", group, "kind", kind, "step", "authorised").increment();
    }

    /** The candidate of an epoch authorised at {@code authorisedAt} reported that it is primary. */
    void adopted(String group, String kind, long authorisedAt) {
        meters.counter("backup.console.failovers", "group", group, "kind", kind, "step", "completed").increment();
        Timer.builder("backup.console.failover.duration")
                .description("From the console authorising an epoch to its candidate reporting it is primary")
                .tag("kind", kind.isEmpty() ? "unknown" : kind)
                .publishPercentileHistogram()
                .register(meters)
                .record(Duration.ofMillis(Math.max(0, clock.millis() - authorisedAt)));
    }

    /** The write pause of one switchover, as the console measured the primary's handover call. */
    public void switchoverPause(String group, Duration pause) {
        Timer.builder("backup.console.switchover.pause")
                .description("Write pause of planned switchovers (the primary's handover call)")
                .tag("group", group)
                .publishPercentileHistogram()
                .register(meters)
                .record(pause);
    }
}
