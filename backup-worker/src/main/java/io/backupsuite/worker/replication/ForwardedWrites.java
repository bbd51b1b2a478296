package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ServiceHandler;
import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.replication.BlobCommits.Received;
import io.backupsuite.worker.replication.SubmitBatchCodec.Forwarded;
import io.backupsuite.worker.replication.SubmitBatchCodec.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of {@link SubmitBatcher}: several writes forwarded by another member in one request on the
 * replication socket. The blobs that came inline are checked and committed first, the others fetched all at once
 * ({@link BlobFetcher}), so that each write's own check before it is sequenced finds its blob held; then every
 * write is submitted, and the answer leaves once each is committed or failed (or its time is up).
 */
final class ForwardedWrites implements ServiceHandler {

    private static final Logger log = LoggerFactory.getLogger(ForwardedWrites.class);

    private final Replica replica;
    private final BlobCommits commits;
    private final StandbyHook blobs;
    private final Duration timeout;

    ForwardedWrites(Replica replica, BlobCommits commits, StandbyHook blobs, Duration timeout) {
        this.replica = replica;
        this.commits = commits;
        this.blobs = blobs;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<byte[]> handle(byte[] body) {
        List<Forwarded> writes = SubmitBatchCodec.decodeRequest(body); // malformed: answered with an error, nothing touched
        if (replica.isPrimary()) {
            holdBlobs(writes);
        }
        List<CompletableFuture<Committed>> submitted = new ArrayList<>(writes.size());
        writes.forEach(w -> submitted.add(replica.submit(w.op()).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)));
        return CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new))
                .handle((done, error) -> SubmitBatchCodec.encodeOutcomes(submitted.stream().map(ForwardedWrites::outcome).toList()));
    }

    private void holdBlobs(List<Forwarded> writes) {
        List<Received> inline = writes.stream().filter(w -> w.content() != null).map(w -> new Received(w.op(), w.content())).toList();
        try {
            Set<String> held = commits.commitAll(inline);
            List<CatalogOp> rest = writes.stream().map(Forwarded::op)
                    .filter(op -> op.kind() == CatalogOp.PUT && !held.contains(op.sha256())).toList();
            if (!rest.isEmpty()) {
                blobs.beforeReady(rest);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // each write checks its blob again when it is submitted, and fails alone if it is still missing
            log.debug("Holding the blobs of a forwarded batch failed: {}", e.toString());
        }
    }

    private static Outcome outcome(CompletableFuture<Committed> write) {
        try {
            return Outcome.of(write.join());
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReplicationException r
                    && (r.reason() == ReplicationException.Reason.NOT_PRIMARY || r.reason() == ReplicationException.Reason.DEPOSED)) {
                return new Outcome(SubmitBatchCodec.NOT_PRIMARY, null, r.primaryId() == null ? "" : r.primaryId());
            }
            if (cause instanceof TimeoutException) {
                return new Outcome(SubmitBatchCodec.FAILED, null, "not committed in time");
            }
            return new Outcome(SubmitBatchCodec.FAILED, null, String.valueOf(cause.getMessage()));
        } catch (java.util.concurrent.CancellationException e) {
            return new Outcome(SubmitBatchCodec.FAILED, null, "cancelled");
        }
    }
}
