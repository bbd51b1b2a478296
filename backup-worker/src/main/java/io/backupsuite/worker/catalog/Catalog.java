package io.backupsuite.worker.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The backup catalog: object key → current version, content hash, size and holders.
 *
 * <p>{@link #put} returns only once the entry is committed: logged and fsynced on the primary and on
 * the quorum of standbys of the storage group, and applied (the replicated catalog of the
 * {@code replication} package, M1). Reads come from this member's applied state.
 */
public interface Catalog {

    /** The current entry of a key, if it was ever backed up. */
    Optional<CatalogEntry> get(String objectKey);

    /**
     * Records a verified blob under a key. The same content again keeps the version (adding the
     * holder if new); different content gets the next version. Committed on the quorum when it returns.
     */
    CatalogEntry put(CatalogWrite write) throws CatalogException;

    /**
     * Says that {@code write} will follow once its blob is downloaded from {@code sources}, so that a member which
     * must hold the blob before the write commits may take its own copy from the sources meanwhile. Returns at once;
     * nothing depends on it.
     */
    default void prepare(CatalogWrite write, List<String> sources) {}

    /** Number of keys in the catalog. */
    long size();

    /** Sequence number of the last write applied on this member (the tag of its reads). */
    long lastSequence();
}
