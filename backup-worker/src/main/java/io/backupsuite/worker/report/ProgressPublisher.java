package io.backupsuite.worker.report;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.worker.download.ProgressListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes throttled {@link TaskProgress} to {@link Topics#PROGRESS}. Each message renews the
 * attempt's lease at the dispatcher, so the gap between two messages of a transfer that is making
 * progress is at most a third of the lease (or the configured interval, if shorter). Fire and
 * forget: a lost progress message only costs a renewal, the next one follows. A chunked transfer
 * adds the chunks verified and which replica served which byte ranges (bounded, see
 * {@link TaskProgress#MAX_RANGES}); the detail is only computed for a message that is sent.
 */
public final class ProgressPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final WireCodec codec;
    private final String workerId;
    private final Duration maxInterval;
    private final Counter published;

    ProgressPublisher(
            KafkaTemplate<String, byte[]> kafka, WireCodec codec, String workerId, Duration maxInterval, MeterRegistry registry) {
        this.kafka = kafka;
        this.codec = codec;
        this.workerId = workerId;
        this.maxInterval = maxInterval;
        this.published = Counter.builder("backup.worker.progress.published")
                .description("Progress messages sent (each renews a lease)")
                .register(registry);
    }

    /**
     * The listener for an attempt's transfer. A first attempt sends nothing at the start: its first
     * message goes out one interval after the attempt was received, like every later one after its
     * predecessor, so the lease is still renewed at least every interval (at most a third of the
     * lease) while the transfer runs, and a first attempt shorter than that (nearly every small file)
     * sends no progress at all. For small files the start message was one more Kafka message,
     * lease-renewing script and Redis AOF write per file, for a task that is DONE milliseconds later.
     * A retry still reports at once that it started, so an attempt that kills its worker counts
     * towards the task's attempt budget from the second attempt on (the dispatcher counts only
     * expired attempts that reported).
     *
     * @param waitedMillis how long the attempt has waited since it was received
     */
    public ProgressListener start(TaskMessage task, long waitedMillis) {
        long interval = maxInterval.toMillis();
        if (task.leaseMillis() > 0) {
            interval = Math.max(1, Math.min(interval, task.leaseMillis() / 3));
        }
        long now = System.currentTimeMillis();
        Tracker tracker = new Tracker(task, interval, now - waitedMillis);
        if (task.attempt() > 1) {
            tracker.send(0, task.sources().isEmpty() ? null : task.sources().get(0), ProgressListener.Detail.NONE, now);
        }
        return tracker;
    }

    private final class Tracker implements ProgressListener {
        private final TaskMessage task;
        private final long intervalMillis;
        private long lastSent;

        Tracker(TaskMessage task, long intervalMillis, long receivedAtMillis) {
            this.task = task;
            this.intervalMillis = intervalMillis;
            this.lastSent = receivedAtMillis;
        }

        @Override
        public void onProgress(long bytesDone, String source) {
            onProgress(bytesDone, source, ProgressListener.Detail.NONE);
        }

        @Override
        public void onProgress(long bytesDone, String source, ProgressListener.Detail detail) {
            long now = System.currentTimeMillis();
            if (now - lastSent >= intervalMillis) {
                send(bytesDone, source, detail, now);
            }
        }

        void send(long bytesDone, String source, ProgressListener.Detail detail, long now) {
            lastSent = now;
            List<TaskProgress.ServedRange> ranges = detail.ranges().stream()
                    .map(r -> new TaskProgress.ServedRange(r.source(), r.from(), r.to()))
                    .toList();
            var progress = new TaskProgress(task.taskId(), task.attemptToken(), workerId, bytesDone, task.size(), source, now,
                    detail.chunksVerified(), ranges);
            kafka.send(Topics.PROGRESS, task.taskId(), codec.encode(progress));
            published.increment();
        }
    }
}
