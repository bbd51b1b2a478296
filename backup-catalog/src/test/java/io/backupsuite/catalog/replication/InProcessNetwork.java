package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Replicas of one JVM talking through a network that can cut links, drop, delay and (by random
 * delays) reorder messages in both directions. The fault schedule comes from one seed.
 */
final class InProcessNetwork implements AutoCloseable {

    private final Map<String, Replica> nodes = new ConcurrentHashMap<>();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> slow = new ConcurrentHashMap<>();
    private final ScheduledExecutorService wire = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "in-process-net");
        t.setDaemon(true);
        return t;
    });
    private final Random random;
    private volatile double dropRate;
    private volatile int maxDelayMillis;

    InProcessNetwork(long seed) {
        this.random = new Random(seed);
    }

    void register(Replica replica) {
        nodes.put(replica.config().nodeId(), replica);
    }

    void unregister(String id) {
        nodes.remove(id);
    }

    /** Cuts every link of a node (both directions) or heals them. */
    void isolate(String id, boolean isolated) {
        if (isolated) {
            cut.add(id);
        } else {
            cut.remove(id);
        }
    }

    /** Delays every message to and from a node by this much. */
    void slowDown(String id, long millis) {
        if (millis <= 0) {
            slow.remove(id);
        } else {
            slow.put(id, millis);
        }
    }

    void chaos(double dropRate, int maxDelayMillis) {
        this.dropRate = dropRate;
        this.maxDelayMillis = maxDelayMillis;
    }

    Transport transportFor(String from) {
        return new Transport() {
            @Override
            public CompletableFuture<AppendReply> append(String to, AppendRequest request) {
                return call(from, to, r -> r.onAppend(request));
            }

            @Override
            public CompletableFuture<PromiseReply> promise(String to, PromiseRequest request) {
                return call(from, to, r -> CompletableFuture.completedFuture(r.onPromise(request)));
            }

            @Override
            public CompletableFuture<FetchReply> fetch(String to, FetchRequest request) {
                return call(from, to, r -> CompletableFuture.completedFuture(r.onFetch(request)));
            }

            @Override
            public CompletableFuture<AppendReply> installSnapshot(String to, Messages.SnapshotChunk chunk) {
                return call(from, to, r -> CompletableFuture.completedFuture(r.onInstallSnapshot(chunk)));
            }

            @Override
            public CompletableFuture<Void> promote(String to, long epoch) {
                return call(from, to, r -> r.promote(epoch).thenApply(s -> (Void) null));
            }
        };
    }

    private <T> CompletableFuture<T> call(String from, String to, java.util.function.Function<Replica, CompletableFuture<T>> handler) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (lost(from, to)) {
            return result; // never answered: the caller's timeout decides
        }
        wire.schedule(() -> {
            Replica target = nodes.get(to);
            if (target == null || lost(from, to)) {
                return;
            }
            CompletableFuture<T> answer;
            try {
                answer = handler.apply(target);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            answer.whenComplete((value, error) -> {
                if (lost(to, from)) {
                    return;
                }
                wire.schedule(() -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(value);
                    }
                }, delay(to, from), TimeUnit.MICROSECONDS);
            });
        }, delay(from, to), TimeUnit.MICROSECONDS);
        return result;
    }

    private boolean lost(String from, String to) {
        if (cut.contains(from) || cut.contains(to)) {
            return true;
        }
        double rate = dropRate;
        if (rate <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private long delay(String from, String to) {
        long fixed = (slow.getOrDefault(from, 0L) + slow.getOrDefault(to, 0L)) * 1000;
        int max = maxDelayMillis;
        if (max <= 0) {
            return fixed;
        }
        synchronized (random) {
            return fixed + random.nextInt(max * 1000);
        }
    }

    static <T> T unchecked(Supplier<T> s) {
        return s.get();
    }

    @Override
    public void close() {
        wire.shutdownNow();
        for (Replica r : nodes.values()) {
            try {
                r.close();
            } catch (IOException ignored) {
                // test teardown
            }
        }
    }
}
