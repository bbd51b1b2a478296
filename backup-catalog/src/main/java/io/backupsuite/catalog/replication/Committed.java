package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.state.CatalogRecord;
import java.util.Optional;

/**
 * A write that is committed on the quorum and applied.
 *
 * @param epoch epoch of its entry
 * @param seq sequence number of its entry
 * @param record the key's record after the write (empty after a delete)
 */
public record Committed(long epoch, long seq, Optional<CatalogRecord> record) {}
