package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.catalog.state.CatalogRecord;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.catalog.CatalogEntry;
import io.backupsuite.worker.catalog.CatalogException;
import io.backupsuite.worker.catalog.CatalogWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The catalog of a storage-group member: reads from this member's applied state (tagged with its
 * applied sequence number), writes submitted to the primary — here, or forwarded to it in batches
 * ({@link SubmitBatcher}) — and returned only once committed on the quorum. While there is no primary (a switch in progress) a
 * write is retried briefly, within the write timeout.
 */
final class ReplicatedCatalog implements Catalog {

    private static final long RETRY_PAUSE_MILLIS = 25;

    private final Replica replica;
    private final SubmitBatcher forwarded;
    private final Duration writeTimeout;
    private final SourceCopies copies;

    ReplicatedCatalog(Replica replica, SubmitBatcher forwarded, Duration writeTimeout, SourceCopies copies) {
        this.replica = replica;
        this.forwarded = forwarded;
        this.writeTimeout = writeTimeout;
        this.copies = copies;
    }

    @Override
    public Optional<CatalogEntry> get(String objectKey) {
        return replica.read(objectKey).map(ReplicatedCatalog::entry);
    }

    static CatalogEntry entry(CatalogRecord r) {
        return new CatalogEntry(r.key(), r.version(), r.sha256(), r.size(), Instant.ofEpochMilli(r.storedAtMillis()), r.holders());
    }

    /** A large blob's second copy is offered to the member whose copy the write will wait for ({@link SourceCopies}). */
    @Override
    public void prepare(CatalogWrite write, List<String> sources) {
        try {
            copies.offer(new SourceCopies.Offer(write.objectKey(), write.size(), write.sha256(), sources),
                    replica.isPrimary() ? replica.config().nodeId() : replica.primaryId());
        } catch (IllegalArgumentException e) {
            // nothing to offer (the download itself reports what is wrong with the task)
        }
    }

    @Override
    public CatalogEntry put(CatalogWrite write) throws CatalogException {
        CatalogOp op;
        try {
            op = CatalogOp.put(write.objectKey(), write.sha256(), write.size(), write.holder(), 0);
        } catch (IllegalArgumentException e) {
            throw CatalogException.invalidWrite(e.getMessage());
        }
        long deadline = System.nanoTime() + writeTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        ReplicationException last = null;
        while (System.nanoTime() < deadline) {
            try {
                Committed committed = submitOnce(op, deadline);
                return committed.record().map(ReplicatedCatalog::entry).orElseThrow();
            } catch (ReplicationException e) {
                last = e;
                switch (e.reason()) {
                    case NOT_PRIMARY, DEPOSED -> pause(); // a switch in progress: ask again (writes are idempotent)
                    default -> throw CatalogException.notCommitted(e.getMessage(), e);
                }
            }
        }
        throw CatalogException.notCommitted("no primary committed the write within " + writeTimeout
                + (last == null ? "" : " (" + last.getMessage() + ")"), last);
    }

    private Committed submitOnce(CatalogOp op, long deadline) throws CatalogException {
        long remaining = Math.max(1, deadline - System.nanoTime());
        if (replica.isPrimary()) {
            try {
                return replica.submit(op).get(remaining, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ReplicationException r) {
                    throw r;
                }
                throw CatalogException.notCommitted("catalog write failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw CatalogException.notCommitted("catalog write not committed in time", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CatalogException.notCommitted("interrupted", e);
            }
        }
        String primary = replica.primaryId();
        if (primary == null) {
            throw ReplicationException.notPrimary(null);
        }
        return forward(primary, op, remaining);
    }

    private Committed forward(String primary, CatalogOp op, long remainingNanos) throws CatalogException {
        try {
            return forwarded.submit(primary, op).get(remainingNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ReplicationException r) {
                throw r;
            }
            throw CatalogException.notCommitted("primary " + primary + " did not commit the write: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw CatalogException.notCommitted("catalog write not committed in time by primary " + primary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CatalogException.notCommitted("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS); // no event tells a non-primary that a primary appeared; a short pause bounds the retry rate
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long size() {
        return replica.size();
    }

    @Override
    public long lastSequence() {
        return replica.appliedSeq();
    }
}
