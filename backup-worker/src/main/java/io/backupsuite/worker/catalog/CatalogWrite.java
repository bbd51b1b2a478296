package io.backupsuite.worker.catalog;

/**
 * A request to record that a node holds a verified blob under an object key.
 *
 * @param objectKey the upload service's key
 * @param sha256 content hash of the stored blob
 * @param size content length in bytes
 * @param holder id of the node that holds the blob
 */
public record CatalogWrite(String objectKey, String sha256, long size, String holder) {}
