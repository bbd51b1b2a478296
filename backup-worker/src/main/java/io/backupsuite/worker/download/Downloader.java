package io.backupsuite.worker.download;

import io.backupsuite.worker.store.StagedBlob;

/**
 * Fetches an object from its sources into a staged blob whose size and SHA-256 are verified. The
 * caller commits the staged blob to the store (or closes it to discard it).
 *
 * <p>The seam for the replica-failover work (M2): a chunked, resuming implementation replaces the
 * one-pass fetcher behind this interface without touching intake, store or catalog.
 */
public interface Downloader {

    StagedBlob download(DownloadRequest request, ProgressListener progress) throws DownloadException;
}
