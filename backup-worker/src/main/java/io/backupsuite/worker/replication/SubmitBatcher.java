package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.catalog.CatalogException;
import io.backupsuite.worker.replication.SubmitBatchCodec.Forwarded;
import io.backupsuite.worker.replication.SubmitBatchCodec.Outcome;
import io.backupsuite.worker.store.BlobContent;
import io.backupsuite.worker.store.BlobStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Forwards this member's catalog writes to the primary in batches over the replication socket
 * ({@link SubmitBatchCodec}), each small blob inline so that the primary need not ask back for it: writes that
 * arrive while {@link #MAX_IN_FLIGHT} batches are on their way wait and leave together in the next one. No
 * timer: a lone write leaves at once, and batches grow exactly as large as the concurrency that is there. Each
 * write still gets its own outcome, and is only reported committed once the primary answers that it was
 * committed on the quorum. A batch the primary cannot be reached for fails all its writes as "not the
 * primary", so their callers look for the primary again (writes are idempotent).
 */
final class SubmitBatcher {

    static final int MAX_IN_FLIGHT = 2;

    private record Waiting(String primary, Forwarded write, CompletableFuture<Committed> outcome) {}

    private final SocketTransport sockets;
    private final BlobStore store;
    private final Duration timeout;
    private final Deque<Waiting> queue = new ArrayDeque<>();
    private int inFlight;

    SubmitBatcher(SocketTransport sockets, BlobStore store, Duration timeout) {
        this.sockets = sockets;
        this.store = store;
        this.timeout = timeout;
    }

    /** Completes with the committed write, or with a {@link ReplicationException} or {@link CatalogException}. */
    CompletableFuture<Committed> submit(String primary, CatalogOp op) {
        // the blob is read here, on the writer's thread: the batch may leave from a socket's reader thread
        Waiting waiting = new Waiting(primary, new Forwarded(op, inlineContent(op)), new CompletableFuture<>());
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

    /** A small blob's bytes, or {@code null}: the primary fetches large or unreadable ones itself. */
    private byte[] inlineContent(CatalogOp op) {
        if (op.kind() != CatalogOp.PUT || op.size() > SubmitBatchCodec.MAX_INLINE_BLOB) {
            return null;
        }
        try {
            Optional<BlobContent> content = store.content(op.sha256());
            return content.isPresent() && content.get().size() == op.size() ? content.get().readAll() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The oldest waiting writes for one primary, within the inline budget (holding the monitor). */
    private List<Waiting> drain() {
        List<Waiting> batch = new ArrayList<>();
        String primary = queue.peekFirst().primary();
        long inline = 0;
        for (Iterator<Waiting> it = queue.iterator(); it.hasNext() && batch.size() < SubmitBatchCodec.MAX_OPS; ) {
            Waiting w = it.next();
            if (!w.primary().equals(primary)) {
                continue;
            }
            long bytes = w.write().content() == null ? 0 : w.write().content().length;
            if (!batch.isEmpty() && inline + bytes > SubmitBatchCodec.MAX_INLINE_BYTES) {
                break;
            }
            inline += bytes;
            batch.add(w);
            it.remove();
        }
        return batch;
    }

    private void send(List<Waiting> batch) {
        CompletableFuture<byte[]> answer;
        try {
            byte[] body = SubmitBatchCodec.encodeRequest(batch.stream().map(Waiting::write).toList());
            answer = sockets.request(batch.get(0).primary(), SubmitBatchCodec.REQUEST_TYPE, body, timeout);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((body, error) -> {
            try {
                complete(batch, body, error);
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

    private static void complete(List<Waiting> batch, byte[] body, Throwable error) {
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            // refused (malformed, shutting down): a real failure; otherwise the primary may be gone and its callers look for it again
            RuntimeException failure = cause instanceof IllegalStateException refused
                    ? new IllegalStateException("the primary refused the writes: " + refused.getMessage(), refused)
                    : ReplicationException.notPrimary(null);
            batch.forEach(w -> w.outcome().completeExceptionally(failure));
            return;
        }
        List<Outcome> outcomes;
        try {
            outcomes = SubmitBatchCodec.decodeOutcomes(body);
        } catch (IOException | RuntimeException e) {
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
