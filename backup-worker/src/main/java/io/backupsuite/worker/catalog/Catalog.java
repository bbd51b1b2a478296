package io.backupsuite.worker.catalog;

import java.util.Optional;

/**
 * The backup catalog: object key → current version, content hash, size and holders.
 *
 * <p>{@link #put} returns only once the entry is durable. Today that means fsynced to this node's
 * journal ({@link LocalCatalog}); the M1 issue puts a quorum-replicated, sequence-numbered log
 * behind this same interface, where durable means committed on a quorum.
 */
public interface Catalog {

    /** The current entry of a key, if it was ever backed up. */
    Optional<CatalogEntry> get(String objectKey);

    /**
     * Records a verified blob under a key. The same content again keeps the version (adding the
     * holder if new); different content gets the next version. Durable when it returns.
     */
    CatalogEntry put(CatalogWrite write) throws CatalogException;

    /** Number of keys in the catalog. */
    long size();

    /** Sequence number of the last durable write. */
    long lastSequence();
}
