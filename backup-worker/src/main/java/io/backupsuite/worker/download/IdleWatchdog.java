package io.backupsuite.worker.download;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Aborts a response body that stops sending. The reading thread calls {@link #touch()} after each
 * read; when nothing arrived for the idle timeout, the watchdog closes the body and interrupts the
 * reader (on JDK 17 closing alone does not wake a blocked read). {@link #finish()} must be called
 * once reading ends; it guarantees that no interrupt arrives afterwards and clears a pending one.
 */
final class IdleWatchdog implements AutoCloseable {

    private final Thread reader = Thread.currentThread();
    private final long idleNanos;
    private final Closeable body;
    private final ScheduledFuture<?> check;
    private volatile long lastActivity = System.nanoTime();
    private boolean finished;
    private boolean fired;

    IdleWatchdog(ScheduledExecutorService scheduler, long idleMillis, Closeable body) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.body = body;
        long period = Math.max(10, idleMillis / 4);
        this.check = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    synchronized boolean fired() {
        return fired;
    }

    private synchronized void check() {
        if (finished || fired || System.nanoTime() - lastActivity < idleNanos) {
            return;
        }
        fired = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // the interrupt below ends the read either way
        }
        reader.interrupt();
    }

    /** Stops watching; afterwards the reader is never interrupted by this watchdog. */
    void finish() {
        boolean interruptedByUs;
        synchronized (this) {
            finished = true;
            interruptedByUs = fired;
        }
        check.cancel(false);
        if (interruptedByUs) {
            Thread.interrupted();
        }
    }

    @Override
    public void close() {
        finish();
    }
}
