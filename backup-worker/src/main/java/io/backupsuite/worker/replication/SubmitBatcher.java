package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.catalog.CatalogException;
import io.backupsuite.worker.replication.SubmitBatchCodec.Outcome;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Forwards this member's catalog writes to the primary in batches: writes that arrive while
 * {@link #MAX_IN_FLIGHT} batches are on their way wait and leave together in the next one. No
 * timer: a lone write leaves at once, and batches grow exactly as large as the concurrency that is
 * there. Each write still gets its own outcome, and is only reported committed once the primary
 * answers that it was committed on the quorum. A batch the primary cannot be reached for fails all
 * its writes as "not the primary", so their callers look for the primary again (writes are
 * idempotent).
 */
final class SubmitBatcher {

    static final int MAX_IN_FLIGHT = 2;
    private static final String PATH = "/internal/v1/replication/submit-batch";

    private record Waiting(String primary, CatalogOp op, CompletableFuture<Committed> outcome) {}

    private final NodeHttp http;
    private final HttpClient client;
    private final Duration timeout;
    private final Deque<Waiting> queue = new ArrayDeque<>();
    private int inFlight;

    SubmitBatcher(NodeHttp http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Completes with the committed write, or with a {@link ReplicationException} or {@link CatalogException}. */
    CompletableFuture<Committed> submit(String primary, CatalogOp op) {
        Waiting waiting = new Waiting(primary, op, new CompletableFuture<>());
        List<Waiting> batch;
        synchronized (this) {
            queue.add(waiting);
            if (inFlight >= MAX_IN_FLIGHT) {
                return waiting.outcome();
            }
            inFlight++;
            batch = drain();
        }
        send(batch);
        return waiting.outcome();
    }

    /** The oldest waiting writes for one primary (holding the monitor). */
    private List<Waiting> drain() {
        List<Waiting> batch = new ArrayList<>();
        String primary = queue.peekFirst().primary();
        for (Iterator<Waiting> it = queue.iterator(); it.hasNext() && batch.size() < SubmitBatchCodec.MAX_OPS; ) {
            Waiting w = it.next();
            if (w.primary().equals(primary)) {
                batch.add(w);
                it.remove();
            }
        }
        return batch;
    }

    private void send(List<Waiting> batch) {
        CompletableFuture<HttpResponse<byte[]>> response;
        try {
            HttpRequest request = http.request(batch.get(0).primary(), PATH)
                    .timeout(timeout)
                    .header("Content-Type", NodeHttp.BINARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(SubmitBatchCodec.encodeOps(batch.stream().map(Waiting::op).toList())))
                    .build();
            response = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((r, error) -> {
            try {
                complete(batch, r, error);
            } finally {
                next();
            }
        });
    }

    private void next() {
        List<Waiting> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                inFlight--;
                return;
            }
            batch = drain();
        }
        send(batch);
    }

    private static void complete(List<Waiting> batch, HttpResponse<byte[]> response, Throwable error) {
        if (error != null) {
            // the primary may be gone: its callers look for it again
            batch.forEach(w -> w.outcome().completeExceptionally(ReplicationException.notPrimary(null)));
            return;
        }
        if (response.statusCode() != 200) {
            String problem = new String(response.body(), StandardCharsets.UTF_8);
            RuntimeException failure = response.statusCode() == 409 && problem.contains("problem:not-primary")
                    ? ReplicationException.notPrimary(null)
                    : new IllegalStateException("the primary refused the writes: " + response.statusCode() + " " + problem);
            batch.forEach(w -> w.outcome().completeExceptionally(failure));
            return;
        }
        List<Outcome> outcomes;
        try {
            outcomes = SubmitBatchCodec.decodeOutcomes(response.body());
        } catch (java.io.IOException | RuntimeException e) {
            batch.forEach(w -> w.outcome().completeExceptionally(new IllegalStateException("unreadable answer of the primary", e)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<Committed> outcome = batch.get(i).outcome();
            Outcome o = i < outcomes.size() ? outcomes.get(i) : new Outcome(SubmitBatchCodec.FAILED, null, "no answer for this write");
            switch (o.kind()) {
                case SubmitBatchCodec.COMMITTED -> outcome.complete(o.committed());
                case SubmitBatchCodec.NOT_PRIMARY -> outcome.completeExceptionally(ReplicationException.notPrimary(o.text().isEmpty() ? null : o.text()));
                default -> outcome.completeExceptionally(new IllegalStateException(o.text()));
            }
        }
    }
}
