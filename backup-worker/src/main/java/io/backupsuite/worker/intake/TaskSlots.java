package io.backupsuite.worker.intake;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded concurrency for task attempts: a fixed pool of {@code concurrency} threads and a small
 * backlog of admitted attempts waiting for a thread. The Kafka listener hands work over without
 * ever blocking; once {@code concurrency + backlog} attempts are admitted the listener container is
 * paused (it keeps polling, so the consumer stays in its group however long a download takes), and
 * it is resumed when half the backlog has drained. The backlog keeps threads busy across the
 * pause/resume round trip, which would otherwise idle every slot once per poll for small files.
 */
final class TaskSlots implements TaskIntake, AutoCloseable {

    private final int pauseAt;
    private final int resumeBelow;
    private final ThreadPoolExecutor executor;
    private final Runnable pause;
    private final Runnable resume;
    private int admitted;
    private boolean paused;

    TaskSlots(int concurrency, int backlog, Runnable pause, Runnable resume) {
        this.pauseAt = concurrency + backlog;
        this.resumeBelow = concurrency + backlog / 2;
        this.pause = pause;
        this.resume = resume;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                concurrency, concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "backup-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    void submit(Runnable job) {
        admit(+1);
        try {
            executor.execute(() -> {
                try {
                    job.run();
                } finally {
                    admit(-1);
                }
            });
        } catch (RuntimeException e) {
            admit(-1);
            throw e;
        }
    }

    /** Counts and flips pause/resume under one lock, so the container's state always matches the count. */
    private synchronized void admit(int delta) {
        admitted += delta;
        if (!paused && admitted >= pauseAt) {
            paused = true;
            pause.run();
        } else if (paused && admitted < resumeBelow) {
            paused = false;
            resume.run();
        }
    }

    @Override
    public synchronized int inFlight() {
        return admitted;
    }

    synchronized boolean paused() {
        return paused;
    }

    /** Interrupts running attempts; their leases expire and the dispatcher hands them out again. */
    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
