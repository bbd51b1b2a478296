package io.backupsuite.worker.limits;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code limit} transfers per source host:port. A transfer waits a bounded time for a slot,
 * then fails retryably. The limit can change at runtime: a lower one takes effect as running
 * transfers finish, a higher one wakes waiting transfers at once.
 */
final class HostSlots {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private final Map<String, Integer> inUse = new HashMap<>();
    private volatile int limit;

    HostSlots(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    void limit(int newLimit) {
        lock.lock();
        try {
            limit = newLimit;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Slots taken now, over all hosts (for metrics). */
    int taken() {
        lock.lock();
        try {
            return inUse.values().stream().mapToInt(Integer::intValue).sum();
        } finally {
            lock.unlock();
        }
    }

    Permit acquire(String sourceUrl, long waitNanos) throws LimitException {
        String host = hostPort(sourceUrl);
        long deadline = System.nanoTime() + waitNanos;
        lock.lock();
        try {
            while (inUse.getOrDefault(host, 0) >= limit) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw LimitException.sourceBusy(host, limit, TimeUnit.NANOSECONDS.toMillis(waitNanos));
                }
                released.awaitNanos(left);
            }
            inUse.merge(host, 1, Integer::sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LimitException.interrupted();
        } finally {
            lock.unlock();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                release(host);
            }
        };
    }

    private void release(String host) {
        lock.lock();
        try {
            inUse.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code host:port} of a URL (default ports filled in); an unparsable URL counts as its own host. */
    static String hostPort(String url) {
        try {
            URI uri = URI.create(url);
            String host = uri.getHost();
            if (host == null) {
                return url;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
