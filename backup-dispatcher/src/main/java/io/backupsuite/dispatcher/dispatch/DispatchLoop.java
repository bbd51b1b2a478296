package io.backupsuite.dispatcher.dispatch;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.UploadNotification;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.queue.Claim;
import io.backupsuite.dispatcher.queue.ClaimedTask;
import io.backupsuite.dispatcher.queue.Promotion;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Moves work from Redis to Kafka on one thread: promote due tasks, lease a batch, publish every
 * attempt to {@link Topics#TASKS} (keyed by object key) and wait for the acks; again at once when
 * the batch was full, otherwise sleep on a {@link WakeSignal} until the next lease deadline or
 * retry time (capped). Intake, results and the Redis wake channel signal it, so an idle system
 * dispatches a new task within milliseconds without polling. How many attempts may be leased at once adapts
 * to how fast the workers finish them ({@link InFlightLimit}), so that attempts do not expire while they wait.
 *
 * <p>Any number of loops may share a queue: the claim script hands each attempt to exactly one.
 * An attempt whose publish fails stays leased and is redelivered when its lease expires.
 */
final class DispatchLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);

    private final TaskQueue queue;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Settings settings;
    private final WireCodec codec = new WireCodec();
    private final WakeSignal wake = new WakeSignal();
    private final Timer intakeToDispatch;
    private final Timer queueWait;
    private final InFlightLimit inFlight;
    private volatile boolean running;
    private Thread thread;

    /** How the loop batches and waits. */
    record Settings(int batchSize, int maxInFlight, int minInFlight, Duration leaseDuration, Duration maxIdleWait, Duration publishTimeout) {}

    DispatchLoop(TaskQueue queue, KafkaTemplate<String, byte[]> kafka, Settings settings, MeterRegistry meters) {
        this.queue = queue;
        this.kafka = kafka;
        this.settings = settings;
        this.intakeToDispatch = Timer.builder("backup.dispatcher.intake.to.dispatch")
                .description("Time from intake until the first attempt is acknowledged by Kafka")
                .publishPercentileHistogram()
                .register(meters);
        this.queueWait = Timer.builder("backup.dispatcher.queue.wait")
                .description("Time from entering pending until an attempt is acknowledged by Kafka (every attempt)")
                .publishPercentileHistogram()
                .register(meters);
        this.inFlight = new InFlightLimit(settings.minInFlight(), settings.maxInFlight(), settings.leaseDuration().toMillis());
        Gauge.builder("backup.dispatcher.in.flight.limit", inFlight, InFlightLimit::current)
                .description("Attempts this dispatcher lets be leased at once: the workers' finish rate times a quarter of a lease")
                .register(meters);
        queue.onWake(wake::signal);
    }

    /** Makes the loop look for work now (new tasks, a retry scheduled, capacity freed). */
    void wake() {
        wake.signal();
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "dispatch-loop");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        wake.signal();
        if (thread != null) {
            try {
                thread.join(settings.publishTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            long waitMillis;
            try {
                waitMillis = dispatchOnce();
            } catch (RuntimeException e) {
                log.warn("Dispatch round failed, trying again shortly: {}", e.toString());
                waitMillis = settings.maxIdleWait().toMillis();
            }
            if (waitMillis > 0 && running) {
                wake.await(waitMillis);
            }
        }
    }

    /** One round; returns how long to wait before the next one (0: go on at once). */
    long dispatchOnce() {
        Promotion promotion = queue.promoteDue();
        Claim claim = queue.claim(settings.batchSize(), inFlight.current());
        inFlight.next(claim.serverTimeMillis(), claim.finishedTotal());
        publish(claim);
        if (promotion.limitReached() || claim.tasks().size() >= settings.batchSize()) {
            return 0;
        }
        long cap = settings.maxIdleWait().toMillis();
        long untilDue = promotion.millisUntilNextDue();
        return untilDue < 0 ? cap : Math.min(cap, untilDue);
    }

    private void publish(Claim claim) {
        if (claim.tasks().isEmpty()) {
            return;
        }
        long claimedAt = System.nanoTime();
        List<CompletableFuture<?>> sends = new ArrayList<>(claim.tasks().size());
        for (ClaimedTask task : claim.tasks()) {
            sends.add(send(task, claim).thenRun(() -> record(task, claim, claimedAt)));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            long failed = sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            log.warn("{} of {} task attempts not acknowledged by Kafka; they are redelivered after their lease: {}",
                    failed, sends.size(), e.toString());
        }
    }

    private CompletableFuture<?> send(ClaimedTask task, Claim claim) {
        try {
            UploadNotification n = codec.decode(task.notificationJson().getBytes(StandardCharsets.UTF_8), UploadNotification.class);
            TaskMessage message = new TaskMessage(
                    task.taskId(), task.attemptToken(), task.attempt(), n.objectKey(), n.size(), n.sha256(), n.sources(),
                    claim.leaseMillis(), task.createdAtMillis(), claim.serverTimeMillis());
            return kafka.send(Topics.TASKS, n.objectKey(), codec.encode(message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void record(ClaimedTask task, Claim claim, long claimedAtNanos) {
        // Redis clock up to the claim, local monotonic clock after it: no skew between hosts
        long sinceClaim = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - claimedAtNanos);
        queueWait.record(Duration.ofMillis(claim.serverTimeMillis() - task.queuedAtMillis() + sinceClaim));
        if (task.queuedAtMillis() == task.createdAtMillis()) {
            intakeToDispatch.record(Duration.ofMillis(claim.serverTimeMillis() - task.createdAtMillis() + sinceClaim));
        }
    }
}
