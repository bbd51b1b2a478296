package io.backupsuite.worker.intake;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded concurrency for task attempts: a fixed pool of {@code concurrency} threads. The Kafka
 * listener hands work over without ever blocking; once as many attempts are admitted as there are
 * threads, the listener container is paused (it keeps polling, so the consumer stays in its group
 * however long a download takes) and resumed when a slot frees up. At most one poll's worth of
 * records ({@code max.poll.records}) can wait beyond the running ones.
 */
final class TaskSlots implements TaskIntake, AutoCloseable {

    private final int concurrency;
    private final ThreadPoolExecutor executor;
    private final Runnable pause;
    private final Runnable resume;
    private int admitted;
    private boolean paused;

    TaskSlots(int concurrency, Runnable pause, Runnable resume) {
        this.concurrency = concurrency;
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
        boolean full = admitted >= concurrency;
        if (full != paused) {
            paused = full;
            (full ? pause : resume).run();
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
