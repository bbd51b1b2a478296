package io.backupsuite.worker.intake;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.catalog.CatalogEntry;
import io.backupsuite.worker.catalog.CatalogException;
import io.backupsuite.worker.catalog.CatalogWrite;
import io.backupsuite.worker.download.DownloadException;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ErrorKind;
import io.backupsuite.worker.download.ProgressListener;
import io.backupsuite.worker.report.ProgressPublisher;
import io.backupsuite.worker.report.ResultPublisher;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt: skip the transfer when the content is already stored, otherwise download and
 * verify, commit the blob, record it in the replicated catalog, and only then report success. The
 * catalog write returns once it is committed on the storage group's quorum (each standby of the
 * quorum holds the blob by then); a write that was rolled back or found no primary in time is a
 * failed attempt, which the dispatcher retries through its delay queue.
 * Every duplicate is harmless: blobs are content-addressed, the catalog keeps the version for the
 * same content, and the result quotes the attempt token so a stale one is ignored.
 */
final class TaskProcessor {

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);

    private final Downloader downloader;
    private final BlobStore store;
    private final Catalog catalog;
    private final ResultPublisher results;
    private final ProgressPublisher progress;
    private final WorkerNode node;
    private final MeterRegistry registry;
    private final Semaphore transfers;
    private final CommitBudget commitBudget = new CommitBudget(CommitBudget.DEFAULT_BYTES, 500);

    TaskProcessor(
            Downloader downloader,
            BlobStore store,
            Catalog catalog,
            ResultPublisher results,
            ProgressPublisher progress,
            WorkerNode node,
            MeterRegistry registry,
            int concurrency) {
        this.downloader = downloader;
        this.store = store;
        this.catalog = catalog;
        this.results = results;
        this.progress = progress;
        this.node = node;
        this.registry = registry;
        this.transfers = new Semaphore(concurrency);
    }

    /** Runs the attempt unless it waited here longer than its lease (then the dispatcher has handed it out again). */
    void process(TaskMessage task, long receivedNanos) {
        if (expired(task, receivedNanos, "a slot")) {
            return;
        }
        TaskResult result;
        try {
            result = run(task, receivedNanos);
        } catch (LeaseSpent e) {
            return;
        }
        count(result.outcome().name().toLowerCase(Locale.ROOT), result.errorKind() == null ? "none" : result.errorKind());
        results.publish(result); // the slot is free again at once; a lost result only lets the lease expire
    }

    private boolean expired(TaskMessage task, long receivedNanos, String waitedFor) {
        long waitedMillis = (System.nanoTime() - receivedNanos) / 1_000_000;
        if (task.leaseMillis() > 0 && waitedMillis >= task.leaseMillis()) {
            log.info("Skipping task {} attempt {}: waited {} ms for {}, past its lease", task.taskId(), task.attempt(), waitedMillis, waitedFor);
            count("expired", "none");
            return true;
        }
        return false;
    }

    /** The attempt waited for a transfer slot past its lease: the dispatcher has handed it out again, nothing is reported. */
    private static final class LeaseSpent extends Exception {
        LeaseSpent() {
            super(null, null, false, false);
        }
    }

    /**
     * Downloads and commits the blob within a transfer slot, so that no more than {@code concurrency} transfers run at
     * once however many attempts wait for their catalog commit meanwhile (those hold a thread, not a transfer slot).
     */
    private long transfer(TaskMessage task, long receivedNanos, DownloadRequest request, CatalogWrite write)
            throws DownloadException, StorageException, LeaseSpent {
        try {
            transfers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "the worker is stopping", 0);
        }
        try {
            if (expired(task, receivedNanos, "a transfer slot")) {
                throw new LeaseSpent();
            }
            catalog.prepare(write, task.sources()); // a large blob's second copy may start now, beside this one
            ProgressListener listener = progress.start(task, (System.nanoTime() - receivedNanos) / 1_000_000);
            try (StagedBlob staged = downloader.download(request, listener)) {
                return staged.commit().size();
            }
        } finally {
            transfers.release();
        }
    }

    /** Records the write once the worker's {@link CommitBudget} has room for its blob; the attempt's lease is renewed meanwhile. */
    private void putWithinBudget(TaskMessage task, long receivedNanos, CatalogWrite write) throws CatalogException {
        ProgressListener[] alive = {null};
        try (CommitBudget.Share share = commitBudget.take(write.size(), () -> {
            if (alive[0] == null) {
                alive[0] = progress.start(task, (System.nanoTime() - receivedNanos) / 1_000_000);
            }
            alive[0].onProgress(task.size(), null);
        })) {
            catalog.put(write);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CatalogException.notCommitted("the worker is stopping", e);
        }
    }

    private TaskResult run(TaskMessage task, long receivedNanos) throws LeaseSpent {
        long now = System.currentTimeMillis();
        try {
            String sha256 = normalisedSha256(task);
            if (store.contains(sha256) && alreadyHeld(task, sha256)) {
                return TaskResult.succeeded(task, node.nodeId(), 0, System.currentTimeMillis());
            }
            long bytes = 0;
            var write = new CatalogWrite(task.objectKey(), sha256, task.size(), node.nodeId());
            if (!store.contains(sha256)) { // another key with the same content may have stored it already
                bytes = transfer(task, receivedNanos, new DownloadRequest(task.objectKey(), task.size(), sha256, task.sources()), write);
            }
            putWithinBudget(task, receivedNanos, write);
            return TaskResult.succeeded(task, node.nodeId(), bytes, System.currentTimeMillis());
        } catch (DownloadException e) {
            return failed(task, e.kind(), e.getMessage(), e.bytes());
        } catch (StorageException e) {
            return failed(task, ErrorKind.STORAGE, "cannot store the blob: " + e.getMessage(), 0);
        } catch (CatalogException e) {
            return failed(task, ErrorKind.STORAGE, "cannot record the catalog entry: " + e.getMessage(), 0);
        } catch (RuntimeException e) {
            log.error("Task {} failed unexpectedly", task.taskId(), e);
            return failed(task, ErrorKind.INTERNAL, "unexpected worker error (" + e.getClass().getSimpleName() + "), see the worker log", 0);
        } finally {
            log.debug("Task {} attempt {} took {} ms", task.taskId(), task.attempt(), System.currentTimeMillis() - now);
        }
    }

    private boolean alreadyHeld(TaskMessage task, String sha256) {
        Optional<CatalogEntry> entry = catalog.get(task.objectKey());
        return entry.isPresent() && entry.get().sha256().equals(sha256) && entry.get().holders().contains(node.nodeId());
    }

    private static String normalisedSha256(TaskMessage task) throws DownloadException {
        String sha = task.sha256() == null ? "" : task.sha256().toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{64}") || task.objectKey() == null || task.objectKey().isEmpty() || task.size() < 0) {
            throw DownloadException.of(ErrorKind.INTERNAL, "task is malformed (object key, size or sha256)", 0);
        }
        return sha;
    }

    private TaskResult failed(TaskMessage task, ErrorKind kind, String message, long bytes) {
        log.info("Task {} attempt {} failed: {} {}", task.taskId(), task.attempt(), kind, message);
        return TaskResult.failed(task, node.nodeId(), kind.name(), message, bytes, System.currentTimeMillis());
    }

    private void count(String outcome, String errorKind) {
        Counter.builder("backup.worker.tasks")
                .description("Task attempts by outcome")
                .tag("outcome", outcome)
                .tag("error_kind", errorKind)
                .register(registry)
                .increment();
    }
}
