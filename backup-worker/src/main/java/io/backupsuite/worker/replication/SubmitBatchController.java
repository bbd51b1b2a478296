package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.replication.SubmitBatchCodec.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Several writes forwarded by another member in one request ({@link SubmitBatchCodec}); answers once
 * each is committed or failed. Their blobs are fetched first, all at once ({@link BlobFetcher}
 * batches them), so that each write's own check before it is sequenced finds its blob already held.
 */
@RestController
class SubmitBatchController {

    private static final Logger log = LoggerFactory.getLogger(SubmitBatchController.class);

    private final Replica replica;
    private final StandbyHook blobs;
    private final long timeoutMillis;

    SubmitBatchController(Replica replica, StandbyHook blobs, ReplicationProperties properties) {
        this.replica = replica;
        this.blobs = blobs;
        this.timeoutMillis = properties.writeTimeout().toMillis() * 2;
    }

    @PostMapping(path = "/internal/v1/replication/submit-batch", consumes = NodeHttp.BINARY, produces = NodeHttp.BINARY)
    byte[] submitBatch(@RequestBody byte[] body) {
        List<CatalogOp> ops;
        try {
            ops = SubmitBatchCodec.decodeOps(body);
        } catch (IllegalArgumentException e) {
            throw ReplicationProblems.malformed(e);
        }
        if (replica.isPrimary()) {
            prefetch(ops);
        }
        List<CompletableFuture<Committed>> submitted = new ArrayList<>(ops.size());
        ops.forEach(op -> submitted.add(replica.submit(op)));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Outcome> outcomes = new ArrayList<>(ops.size());
        for (CompletableFuture<Committed> write : submitted) {
            outcomes.add(await(write, deadline));
        }
        return SubmitBatchCodec.encodeOutcomes(outcomes);
    }

    private void prefetch(List<CatalogOp> ops) {
        List<CatalogOp> puts = ops.stream().filter(op -> op.kind() == CatalogOp.PUT).toList();
        try {
            blobs.beforeReady(puts);
        } catch (Exception e) {
            // each write checks its blob again when it is submitted, and fails alone if it is still missing
            log.debug("Fetching the blobs of a forwarded batch failed: {}", e.toString());
        }
    }

    private static Outcome await(CompletableFuture<Committed> write, long deadlineNanos) {
        try {
            return Outcome.of(write.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ReplicationException r
                    && (r.reason() == ReplicationException.Reason.NOT_PRIMARY || r.reason() == ReplicationException.Reason.DEPOSED)) {
                return new Outcome(SubmitBatchCodec.NOT_PRIMARY, null, r.primaryId() == null ? "" : r.primaryId());
            }
            return new Outcome(SubmitBatchCodec.FAILED, null, String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            return new Outcome(SubmitBatchCodec.FAILED, null, "not committed in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(SubmitBatchCodec.FAILED, null, "interrupted");
        }
    }
}
