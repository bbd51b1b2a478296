package io.backupsuite.worker.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the catalog knows about one object key.
 *
 * @param objectKey the upload service's key
 * @param version increases by one whenever the key's content changes; the same content keeps it
 * @param sha256 content hash, also the blob's name
 * @param size content length in bytes
 * @param storedAt when this version was first recorded
 * @param holders ids of the nodes that hold the blob
 */
public record CatalogEntry(String objectKey, long version, String sha256, long size, Instant storedAt, List<String> holders) {

    public CatalogEntry {
        holders = List.copyOf(holders);
    }

    boolean sameContent(String otherSha256) {
        return sha256.equals(otherSha256);
    }

    CatalogEntry withHolder(String holder) {
        if (holders.contains(holder)) {
            return this;
        }
        var more = new ArrayList<>(holders);
        more.add(holder);
        return new CatalogEntry(objectKey, version, sha256, size, storedAt, more);
    }
}
