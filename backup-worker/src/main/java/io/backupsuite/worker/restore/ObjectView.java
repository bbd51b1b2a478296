package io.backupsuite.worker.restore;

import io.backupsuite.worker.catalog.CatalogEntry;
import java.time.Instant;
import java.util.List;

/**
 * The catalog entry of an object as the restore API shows it.
 *
 * @param objectKey the object's key
 * @param sha256 content hash (also the content's ETag)
 * @param size content length in bytes
 * @param version version of the key's content
 * @param replicas ids of the nodes holding the content
 * @param storedAt when this version was recorded
 */
record ObjectView(String objectKey, String sha256, long size, long version, List<String> replicas, Instant storedAt) {

    ObjectView {
        replicas = List.copyOf(replicas);
    }

    static ObjectView of(CatalogEntry entry) {
        return new ObjectView(entry.objectKey(), entry.sha256(), entry.size(), entry.version(), entry.holders(), entry.storedAt());
    }
}
