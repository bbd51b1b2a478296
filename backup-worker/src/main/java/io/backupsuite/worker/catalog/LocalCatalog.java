package io.backupsuite.worker.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * This node's own catalog: entries in memory, every change in a {@link CatalogJournal} that is
 * replayed on start. Writes of one key are serialised by a striped lock (so versions cannot race)
 * and held until durable; writes of different keys proceed together and share fsyncs.
 */
final class LocalCatalog implements Catalog, AutoCloseable {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_KEY_BYTES = 4096;

    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[256];
    private final CatalogJournal journal;
    private final Clock clock;

    LocalCatalog(Path journalFile, CatalogJournal.Syncer syncer, Clock clock) throws IOException {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.clock = clock;
        this.journal = new CatalogJournal(journalFile, syncer, r -> entries.put(r.entry().objectKey(), r.entry()));
    }

    @Override
    public Optional<CatalogEntry> get(String objectKey) {
        return Optional.ofNullable(entries.get(objectKey));
    }

    @Override
    public CatalogEntry put(CatalogWrite write) throws CatalogException {
        validate(write);
        synchronized (stripes[Math.floorMod(write.objectKey().hashCode(), stripes.length)]) {
            CatalogEntry current = entries.get(write.objectKey());
            CatalogEntry next;
            if (current == null) {
                next = new CatalogEntry(write.objectKey(), 1, write.sha256(), write.size(), clock.instant(), List.of(write.holder()));
            } else if (current.sameContent(write.sha256())) {
                next = current.withHolder(write.holder());
                if (next == current) {
                    return current; // nothing changes, nothing to log
                }
            } else {
                next = new CatalogEntry(
                        write.objectKey(), current.version() + 1, write.sha256(), write.size(), clock.instant(), List.of(write.holder()));
            }
            try {
                journal.append(next).join(); // join() is not interruptible: an entry is applied iff it is durable
            } catch (CompletionException e) {
                throw CatalogException.notDurable(write.objectKey(), e.getCause());
            }
            entries.put(next.objectKey(), next);
            return next;
        }
    }

    private static void validate(CatalogWrite write) throws CatalogException {
        if (write.objectKey() == null || write.objectKey().isEmpty()
                || write.objectKey().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw CatalogException.invalid("object key must be 1.." + MAX_KEY_BYTES + " bytes");
        }
        if (write.sha256() == null || !SHA256.matcher(write.sha256()).matches()) {
            throw CatalogException.invalid("sha256 must be 64 lowercase hex characters");
        }
        if (write.size() < 0 || write.holder() == null || write.holder().isBlank()) {
            throw CatalogException.invalid("size must not be negative and the holder must be named");
        }
    }

    @Override
    public long size() {
        return entries.size();
    }

    @Override
    public long lastSequence() {
        return journal.durableSequence();
    }

    /** Fsyncs done by the journal since opening. */
    long syncCount() {
        return journal.syncCount();
    }

    CatalogJournal journal() {
        return journal;
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
