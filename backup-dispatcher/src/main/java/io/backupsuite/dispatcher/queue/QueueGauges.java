package io.backupsuite.dispatcher.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue depth and age gauges ({@code backup_dispatcher_queue_depth{queue=...}},
 * {@code backup_dispatcher_queue_oldest_pending_age_seconds}). One read-only script call serves
 * all of them and is reused for a second, so a scrape costs one round trip.
 */
final class QueueGauges implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);
    private static final long MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();

    private final TaskQueue queue;
    private QueueStats last = new QueueStats(0, 0, 0, 0, 0);
    private long fetchedAt = System.nanoTime() - 2 * MAX_AGE_NANOS;

    QueueGauges(TaskQueue queue) {
        this.queue = queue;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        depth(registry, "pending", QueueStats::pending);
        depth(registry, "working", QueueStats::working);
        depth(registry, "delay", QueueStats::delay);
        depth(registry, "dead", QueueStats::dead);
        Gauge.builder("backup.dispatcher.queue.oldest.pending.age", this, g -> g.stats().oldestPendingAgeMillis() / 1000.0)
                .description("How long the task at the head of the pending queue has waited")
                .baseUnit("seconds")
                .register(registry);
    }

    private void depth(MeterRegistry registry, String name, ToDoubleFunction<QueueStats> value) {
        Gauge.builder("backup.dispatcher.queue.depth", this, g -> value.applyAsDouble(g.stats()))
                .description("Tasks in each Redis queue")
                .tag("queue", name)
                .register(registry);
    }

    synchronized QueueStats stats() {
        long now = System.nanoTime();
        if (now - fetchedAt > MAX_AGE_NANOS) {
            fetchedAt = now;
            try {
                last = queue.stats();
            } catch (RuntimeException e) {
                log.debug("Queue statistics unavailable: {}", e.toString());
            }
        }
        return last;
    }
}
