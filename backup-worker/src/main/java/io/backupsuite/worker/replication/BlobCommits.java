package io.backupsuite.worker.replication;

import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores small blobs another member sent whole (a blob batch's answer, or inline with forwarded writes):
 * each is checked against the SHA-256 and size its catalog entry names, and the good ones are committed on
 * the commit threads concurrently, so the kernel merges their fsyncs into few journal commits instead of
 * paying one after the other. Bytes that do not match are never stored.
 */
final class BlobCommits {

    private static final Logger log = LoggerFactory.getLogger(BlobCommits.class);

    /** A blob's bytes as received, for the entry that names it. */
    record Received(CatalogOp op, byte[] content) {}

    private final BlobStore store;
    private final Executor committers;
    private final Counter stored;
    private final Counter held;
    private final Counter rejected;

    BlobCommits(BlobStore store, Executor committers, MeterRegistry registry) {
        this.store = store;
        this.committers = committers;
        this.stored = received(registry, "stored");
        this.held = received(registry, "held");
        this.rejected = received(registry, "rejected");
    }

    private static Counter received(MeterRegistry registry, String outcome) {
        return Counter.builder("backup.worker.replication.blobs.received")
                .description("Small blobs received whole from another member: stored, already held, or rejected (bytes not matching their entry)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Commits what matches its entry; returns the SHA-256 of every blob now held (committed here or held before). */
    Set<String> commitAll(List<Received> received) throws InterruptedException {
        Set<String> held = new HashSet<>();
        List<Future<String>> commits = new ArrayList<>();
        for (Received r : received) {
            String sha256 = r.op().sha256();
            if (held.contains(sha256) || store.contains(sha256)) {
                held.add(sha256);
                this.held.increment();
                continue;
            }
            StagedBlob staged = stageVerified(r);
            if (staged == null) {
                continue;
            }
            FutureTask<String> commit = new FutureTask<>(() -> {
                staged.commit(); // a small blob joins the pack's next group commit with the others
                stored.increment();
                return sha256;
            });
            try {
                committers.execute(commit);
            } catch (RuntimeException e) {
                staged.close(); // shutting down
                throw e;
            }
            commits.add(commit);
            held.add(sha256); // a second entry with the same content in this batch waits for this commit
        }
        for (Future<String> commit : commits) {
            try {
                commit.get();
            } catch (ExecutionException e) {
                log.debug("Committing a received blob failed: {}", e.getCause().toString());
            }
        }
        held.removeIf(sha256 -> !store.contains(sha256));
        return held;
    }

    /**
     * The blob checked and staged, or {@code null} (and nothing kept) when it does not match its entry or cannot be
     * written. A small one is hashed here once and staged in memory (it goes into a pack); a larger one is hashed
     * as it is written to a temp file.
     */
    private StagedBlob stageVerified(Received r) {
        StagedBlob staged = null;
        try {
            boolean small = r.content().length <= BlobStore.PACKED_MAX_BYTES;
            String actual;
            if (small) {
                actual = BlobStore.sha256Of(r.content());
            } else {
                staged = store.stage();
                staged.write(r.content(), 0, r.content().length);
                actual = staged.sha256();
            }
            if (r.content().length != r.op().size() || !actual.equals(r.op().sha256())) {
                log.warn("A received blob for {} does not match its entry's size and SHA-256: dropped", r.op().key());
                rejected.increment();
                if (staged != null) {
                    staged.close();
                }
                return null;
            }
            return small ? store.adopt(r.content(), actual, () -> {}) : staged;
        } catch (StorageException | RuntimeException e) {
            log.debug("Cannot stage a received blob for {}: {}", r.op().key(), e.toString());
            if (staged != null) {
                staged.close();
            }
            return null;
        }
    }
}
