package io.backupsuite.localstack;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs blocking tasks (starting or stopping processes) side by side, one thread each: the common
 * fork-join pool has a single thread on a 2-core machine and would run them one after the other.
 */
final class Parallel {

    private Parallel() {}

    /** Runs all tasks and waits for all of them; then rethrows the first failure, if any. */
    static void run(List<Runnable> tasks) {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
        try {
            List<Future<?>> futures = tasks.stream().<Future<?>>map(threads::submit).toList();
            RuntimeException failure = null;
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            threads.shutdown();
        }
    }
}
