package io.backupsuite.worker.download;

import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Fetches an object from its sources into a staged blob whose size and SHA-256 are verified. The
 * caller commits the staged blob to the store (or closes it to discard it).
 *
 * <p>The seam for the replica-failover work (M2): a chunked, resuming implementation replaces the
 * one-pass fetcher behind this interface without touching intake, store or catalog.
 */
public interface Downloader extends AutoCloseable {

    StagedBlob download(DownloadRequest request, ProgressListener progress) throws DownloadException;

    /** Releases connections and threads; transfers still running fail. */
    @Override
    void close();

    /** The HTTP downloader with the worker's settings, outside Spring (benchmarks, tools). */
    static Downloader http(WorkerProperties properties, BlobStore store, MeterRegistry registry) {
        return DownloadConfiguration.create(properties, store, registry);
    }

    /** The same with chosen parallel-range settings. */
    static Downloader http(WorkerProperties properties, DownloadProperties download, BlobStore store, MeterRegistry registry) {
        return DownloadConfiguration.create(properties, download, store, registry);
    }
}
