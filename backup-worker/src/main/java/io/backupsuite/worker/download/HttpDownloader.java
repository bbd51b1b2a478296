package io.backupsuite.worker.download;

import io.backupsuite.worker.limits.LimitException;
import io.backupsuite.worker.limits.Permit;
import io.backupsuite.worker.limits.TransferLimits;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resuming {@link Downloader}: stages the object in checksummed chunks that survive a failure
 * and a restart ({@link StagedObject}), continues from the last verified chunk with a range request
 * guarded by {@code If-Range} on the same or another replica ({@link Failover}, healthiest first by
 * {@link ReplicaHealth}), and restarts from byte 0 when the source's file changed. The network read
 * runs ahead on a second thread that also hashes; size is checked as bytes arrive (one byte too many
 * aborts at once), the whole-file SHA-256 at the end, before the blob can be committed. A source that
 * sends nothing for the read timeout fails the socket read itself: no watchdog.
 */
final class HttpDownloader implements Downloader {

    private static final Logger log = LoggerFactory.getLogger(HttpDownloader.class);

    private final SourceClient client;
    private final SourceFetch fetch;
    private final RangedTransfer ranged;
    private final BlobStore store;
    private final ExecutorService readers;
    private final DownloadMetrics metrics;
    private final StagingArea staging;
    private final ReplicaHealth health;
    private final Settings settings;
    private final TransferLimits limits;

    /** Limits of one transfer. */
    record Settings(Duration readIdleTimeout, long maxObjectSize, int bufferSize, long chunkSize, int triesPerSource,
            long parallelThreshold, int parallelism) {}

    HttpDownloader(
            SourceClient client,
            SourcePolicy policy,
            BlobStore store,
            StagingArea staging,
            ReplicaHealth health,
            ExecutorService readers,
            DownloadMetrics metrics,
            Settings settings,
            TransferLimits limits) {
        this.client = client;
        this.limits = limits;
        this.fetch = new SourceFetch(client, policy, readers, metrics, settings.bufferSize(), settings.readIdleTimeout(), limits);
        this.ranged = new RangedTransfer(new ChunkFetch(client, policy, metrics, limits, settings.readIdleTimeout()), readers, health,
                metrics, limits, settings.bufferSize());
        this.store = store;
        this.staging = staging;
        this.health = health;
        this.readers = readers;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** Closes the connection pool and the reader threads; call it once no transfer runs. */
    @Override
    public void close() {
        readers.shutdownNow();
        try {
            client.close();
        } catch (IOException ignored) {
            // pooled connections are gone with the process anyway
        }
    }

    /** Whether every reader thread has ended (after {@link #close()}); for tests. */
    boolean awaitReaders(Duration timeout) throws InterruptedException {
        return readers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public StagedBlob download(DownloadRequest request, ProgressListener progress) throws DownloadException {
        long started = System.nanoTime();
        try {
            StagedBlob blob = downloadFromAny(request, progress);
            metrics.succeeded(System.nanoTime() - started);
            return blob;
        } catch (DownloadException e) {
            metrics.failed(e.kind(), System.nanoTime() - started);
            throw e;
        }
    }

    /** Failures after which the staged chunks are still good for the next attempt. */
    private static final Set<ErrorKind> KEEP_STAGING =
            Set.of(ErrorKind.SOURCE_UNAVAILABLE, ErrorKind.SOURCE_STATUS, ErrorKind.TIMEOUT, ErrorKind.INTERNAL,
                    ErrorKind.SOURCE_BUSY);

    /** Failures that trying the same source again cannot cure. */
    private static final Set<ErrorKind> GIVE_UP_ON_SOURCE =
            Set.of(ErrorKind.SOURCE_NOT_ALLOWED, ErrorKind.SIZE_MISMATCH, ErrorKind.CHECKSUM_MISMATCH);

    private StagedBlob downloadFromAny(DownloadRequest request, ProgressListener progress) throws DownloadException {
        if (request.size() > settings.maxObjectSize()) {
            throw DownloadException.tooLarge(request.size(), settings.maxObjectSize());
        }
        if (request.sources().isEmpty()) {
            throw DownloadException.notAllowed("(none)", "the task lists no source");
        }
        // refused before anything is written: better than failing mid-write on a full disk
        Permit room = reserveDisk(request.size());
        StagedObject staged;
        try {
            staged = staging.open(request);
        } catch (RuntimeException | DownloadException e) {
            room.close();
            throw e;
        }
        boolean handedOver = false;
        try (room) {
            StagedBlob blob = transfer(request, staged, progress);
            handedOver = true; // the blob discards the staging when it is committed or closed
            return blob;
        } catch (DownloadException e) {
            handedOver = true;
            if (KEEP_STAGING.contains(e.kind())) {
                staged.keep();
            } else {
                staged.discard();
            }
            throw e;
        } finally {
            if (!handedOver) {
                staged.keep();
            }
        }
    }

    private StagedBlob transfer(DownloadRequest request, StagedObject staged, ProgressListener progress)
            throws DownloadException {
        List<String> order = health.order(request.sources());
        Failover failover = new Failover(order, settings.triesPerSource());
        Hashing hashing = new Hashing(settings.chunkSize());
        hashing.restart(staged.verified(), staged.prefixDigest());
        if (staged.verified() > 0) {
            failover.note("resumed at byte " + staged.verified() + " from " + staged.verifiedChunks() + " staged chunks");
            metrics.resumed(staged.verified());
        }
        if (request.size() > 0 && staged.verified() == request.size()) {
            // every chunk was staged before (the process stopped before the commit): nothing to fetch
            if (hashing.finish().equals(request.sha256())) {
                return adopt(request, staged);
            }
            failover.note("the staged content had the wrong SHA-256, discarded");
            staged.reset(null);
            hashing.restart(0, Hashing.sha256());
        }
        if (request.size() > settings.chunkSize()) {
            StagedBlob blob = ranged(request, staged, order, failover, hashing, progress);
            if (blob != null) {
                return blob;
            }
        }
        for (String source = failover.next(); source != null; source = failover.next()) {
            long from = staged.verified();
            long started = System.nanoTime();
            try (Permit slot = enterHost(source)) {
                fetch.fetch(source, request, staged, hashing, failover, progress);
                String actual = hashing.finish();
                if (actual.equals(request.sha256())) {
                    health.succeeded(source, request.size() - from, System.nanoTime() - started);
                    if (failover.failures() > 0 || from > 0) {
                        log.info("Fetched {} ({} bytes): {}", request.objectKey(), request.size(), failover.history());
                    } else if (log.isDebugEnabled()) {
                        log.debug("Fetched {} ({} bytes): {}", request.objectKey(), request.size(), failover.history());
                    }
                    return adopt(request, staged);
                }
                health.failed(source);
                failover.failed(DownloadException.checksumMismatch(source, request.sha256(), actual, request.size() - from), true);
                failover.note("content had the wrong SHA-256, staged chunks discarded");
                staged.reset(null);
                hashing.restart(0, Hashing.sha256());
            } catch (DownloadException e) {
                if (e.kind() == ErrorKind.STORAGE || e.kind() == ErrorKind.INTERNAL || e.kind() == ErrorKind.DISK_FULL) {
                    throw e; // a local problem: another source cannot help
                }
                health.failed(source);
                failover.failed(e, GIVE_UP_ON_SOURCE.contains(e.kind()));
                staged.rewind();
                hashing.rewindTo(staged.verified());
                metrics.failover();
            }
        }
        throw failover.summary(staged.verified(), request.size());
    }

    /**
     * An object of several chunks goes chunk by chunk with byte ranges ({@link RangedTransfer}), over
     * several connections from the parallel threshold on. Returns {@code null} when a source answered
     * the whole file to a range and streaming it failed: the sequential loop carries on from there.
     */
    private StagedBlob ranged(DownloadRequest request, StagedObject staged, List<String> order, Failover failover,
            Hashing hashing, ProgressListener progress) throws DownloadException {
        int connections = request.size() >= settings.parallelThreshold() ? settings.parallelism() : 1;
        for (int restarts = 0; ; restarts++) {
            long started = System.nanoTime();
            var outcome = ranged.run(request, staged, order, settings.triesPerSource(), connections, failover, progress);
            if (outcome instanceof RangedTransfer.Verified) {
                long nanos = System.nanoTime() - started;
                failover.ranges().forEach(r -> health.succeeded(r.source(), r.to() - r.from(), nanos));
                logFetched(request, failover, failover.failures() > 0 || restarts > 0);
                return adopt(request, staged);
            } else if (outcome instanceof RangedTransfer.Whole whole) {
                return streamWhole(whole, request, staged, failover, hashing, progress);
            } else if (outcome instanceof RangedTransfer.Changed changed) {
                failover.note(changed.source() + " sent a range of another version (validator " + changed.validator()
                        + " instead of " + staged.validator() + "), restarted from byte 0");
                metrics.restart();
                staged.reset(null);
                failover.discardServed();
                if (restarts >= 2) {
                    throw DownloadException.status(changed.source(), "changed its file " + (restarts + 1)
                            + " times during the transfer; " + failover.history());
                }
            }
        }
    }

    /** A source answered the whole file to a range request (it ignores ranges, or its file changed): take that body from byte 0. */
    private StagedBlob streamWhole(RangedTransfer.Whole whole, DownloadRequest request, StagedObject staged, Failover failover,
            Hashing hashing, ProgressListener progress) throws DownloadException {
        String source = whole.source();
        failover.note(source + " answered the whole file to a range request"
                + (staged.validator() == null ? "" : " (If-Range " + staged.validator() + ": the file changed, or it ignores ranges)")
                + ", restarted from byte 0");
        metrics.restart();
        failover.discardServed();
        try (Permit slot = enterHost(source)) {
            fetch.fetchWhole(whole.body(), source, request, staged, hashing, failover, progress);
            String actual = hashing.finish();
            if (actual.equals(request.sha256())) {
                logFetched(request, failover, true);
                return adopt(request, staged);
            }
            health.failed(source);
            failover.failed(source, DownloadException.checksumMismatch(source, request.sha256(), actual, request.size()), true);
            staged.reset(null);
            hashing.restart(0, Hashing.sha256());
        } catch (DownloadException e) {
            whole.body().abort();
            whole.body().close();
            if (e.kind() == ErrorKind.STORAGE || e.kind() == ErrorKind.INTERNAL || e.kind() == ErrorKind.DISK_FULL) {
                throw e;
            }
            health.failed(source);
            failover.failed(source, e, GIVE_UP_ON_SOURCE.contains(e.kind()));
            staged.rewind();
            hashing.rewindTo(staged.verified());
            metrics.failover();
        }
        return null;
    }

    private static void logFetched(DownloadRequest request, Failover failover, boolean eventful) {
        if (failover.failures() > 0) {
            log.info("Fetched {} ({} bytes): {}; failed tries: {}", request.objectKey(), request.size(), failover.history(),
                    failover.failureMessages());
        } else if (eventful) {
            log.info("Fetched {} ({} bytes): {}", request.objectKey(), request.size(), failover.history());
        } else if (log.isDebugEnabled()) {
            log.debug("Fetched {} ({} bytes): {}", request.objectKey(), request.size(), failover.history());
        }
    }

    private Permit reserveDisk(long bytes) throws DownloadException {
        try {
            return limits.reserveDisk(bytes);
        } catch (LimitException e) {
            throw DownloadException.of(ErrorKind.DISK_FULL, e.getMessage(), 0);
        }
    }

    private Permit enterHost(String source) throws DownloadException {
        try {
            return limits.enterHost(source);
        } catch (LimitException e) {
            throw DownloadException.of(ErrorKind.SOURCE_BUSY, "source " + source + ": " + e.getMessage(), 0);
        }
    }

    private StagedBlob adopt(DownloadRequest request, StagedObject staged) throws DownloadException {
        try {
            if (staged.inMemory()) {
                return store.adopt(staged.content(), request.sha256(), staged::discard);
            }
            return store.adopt(staged.complete(), request.size(), request.sha256(), staged::discard);
        } catch (StorageException e) {
            throw DownloadException.of(ErrorKind.STORAGE, "cannot hand over the staged object: " + e.getMessage(), 0);
        }
    }
}
