package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A candidate's round of promise requests. It ends as soon as the candidate holds the promises it needs (itself
 * included), every member answered or timed out, or a member reported a newer epoch. Waiting for more than the
 * promises needed adds nothing to safety, since any set of that size meets every commit set, and a member that is
 * paused or gone would otherwise hold every failover and switchover up for the whole timeout.
 */
final class PromiseRound {

    private final Map<String, PromiseReply> replies = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> over = new CompletableFuture<>();
    private final AtomicInteger granted = new AtomicInteger(1); // the candidate's own promise
    private final AtomicInteger answered = new AtomicInteger();

    private PromiseRound() {}

    /** Asks every other member for its promise of {@code request.epoch()}; returns the replies that arrived. */
    static Map<String, PromiseReply> collect(Transport transport, List<String> others, PromiseRequest request, int needed,
            Duration timeout) {
        PromiseRound round = new PromiseRound();
        if (needed <= 1 || others.isEmpty()) {
            round.over.complete(null);
        }
        for (String member : others) {
            transport.promise(member, request)
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((reply, failure) -> round.answer(member, reply, request.epoch(), needed, others.size()));
        }
        round.over.join();
        return Map.copyOf(round.replies);
    }

    private void answer(String member, PromiseReply reply, long epoch, int needed, int members) {
        if (reply != null) {
            replies.put(member, reply);
            if ((reply.granted() && granted.incrementAndGet() >= needed) || (!reply.granted() && reply.epoch() > epoch)) {
                over.complete(null);
            }
        }
        if (answered.incrementAndGet() == members) {
            over.complete(null);
        }
    }
}
