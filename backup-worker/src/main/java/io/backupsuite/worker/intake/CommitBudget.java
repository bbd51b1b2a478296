package io.backupsuite.worker.intake;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Blob bytes of this worker's writes that may wait for their catalog commit at once. Every member of a commit set
 * must hold a write's blob before it answers, so blob bytes waiting for commits are work the whole storage group must
 * do within the write timeout: with many medium files (10 MiB each) and no bound, forwarded writes timed out on the
 * primary and the standbys. Small files take almost nothing from the budget; a blob larger than the whole budget takes
 * all of it. Waiters are served in order, and while one waits it is told so at every step (to renew its lease).
 */
final class CommitBudget {

    /** Default budget: 64 MiB (with 128 MiB, 200 files of 10 MiB at once still timed out some forwarded batches on two cores). */
    static final long DEFAULT_BYTES = 64L << 20;

    private final int totalKib;
    private final long stepMillis;
    private final Semaphore kib;

    CommitBudget(long bytes, long stepMillis) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes >> 10));
        this.stepMillis = stepMillis;
        this.kib = new Semaphore(totalKib, true);
    }

    /** A share of the budget, given back by {@link Share#close()}. */
    interface Share extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the budget a blob of {@code size} bytes needs, calling {@code waiting} every step while it waits. */
    Share take(long size, Runnable waiting) throws InterruptedException {
        int need = (int) Math.min(totalKib, Math.max(1, size >> 10));
        if (!kib.tryAcquire(need)) {
            while (!kib.tryAcquire(need, stepMillis, TimeUnit.MILLISECONDS)) {
                waiting.run();
            }
        }
        return () -> kib.release(need);
    }

    /** KiB not taken now; for tests and metrics. */
    int availableKib() {
        return kib.availablePermits();
    }
}
