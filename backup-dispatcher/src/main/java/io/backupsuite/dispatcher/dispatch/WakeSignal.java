package io.backupsuite.dispatcher.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A latch the dispatch loop sleeps on: signalled when work may be ready, so the loop reacts at
 * once instead of polling. Signals do not queue up; one signal wakes one wait, and a signal that
 * arrives while the loop is busy makes its next wait return immediately.
 */
final class WakeSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private boolean pending;

    void signal() {
        lock.lock();
        try {
            pending = true;
            signalled.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until signalled or {@code millis} passed; returns whether a signal arrived. */
    boolean await(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && nanos > 0) {
                nanos = signalled.awaitNanos(nanos);
            }
            boolean woken = pending;
            pending = false;
            return woken;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
