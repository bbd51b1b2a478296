package io.backupsuite.worker.store;

/**
 * A blob that is durably stored under its SHA-256.
 *
 * @param sha256 content hash and name of the blob
 * @param size its length in bytes
 * @param alreadyPresent whether the same content was stored before (and nothing was written)
 */
public record StoredBlob(String sha256, long size, boolean alreadyPresent) {}
