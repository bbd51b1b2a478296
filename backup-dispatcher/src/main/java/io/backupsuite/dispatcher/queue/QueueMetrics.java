package io.backupsuite.dispatcher.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Counters of task transitions, recorded where the transitions happen: in the queue facade. Exposed
 * as {@code backup_tasks_total{outcome=...}}, {@code backup_dispatcher_retries_total{cause=...}}
 * and the {@code backup_dispatcher_intake_to_done_seconds} histogram.
 */
final class QueueMetrics {

    private final MeterRegistry registry;
    private final Timer intakeToDone;

    QueueMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.intakeToDone = Timer.builder("backup.dispatcher.intake.to.done")
                .description("Time from intake of a notification until its task is DONE")
                .publishPercentileHistogram()
                .register(registry);
    }

    void outcome(String outcome, long count) {
        if (count > 0) {
            Counter.builder("backup.tasks")
                    .description("Task transitions by outcome")
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment(count);
        }
    }

    void retry(String cause, long count) {
        if (count > 0) {
            Counter.builder("backup.dispatcher.retries")
                    .description("Tasks sent round again, by cause")
                    .tag("cause", cause)
                    .register(registry)
                    .increment(count);
        }
    }

    void done(long intakeToDoneMillis) {
        intakeToDone.record(Duration.ofMillis(Math.max(0, intakeToDoneMillis)));
    }
}
