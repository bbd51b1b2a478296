package io.backupsuite.catalog.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The applied catalog: object key → {@link CatalogRecord}, kept in an H2 MVStore file so that
 * millions of keys fit a small heap and a restart opens the file instead of replaying the log.
 *
 * <p>The store saves itself in the background (every second or so); the last applied sequence
 * number lives in the same store, so a saved version is always consistent. After a crash the
 * state may be a little older than the log: the replica applies the committed entries after
 * {@link #appliedSeq()} again. The log is compacted only below a {@link #checkpoint} (saved and
 * fsynced), never below what the store might have lost.
 */
public final class CatalogState implements AutoCloseable {

    /** The store's file is compacted when less than this share of it is live data (the file is at most about twice the data). */
    static final int COMPACT_BELOW_FILL_PERCENT = 50;

    private static final String APPLIED = "appliedSeq";
    private static final String APPLIED_EPOCH = "appliedEpoch";
    private static final String INSTALLING = "installing";

    private final MVStore store;
    private final MVMap<String, byte[]> records;
    private final MVMap<String, Long> meta;
    private final MVMap<Long, long[]> annulled;

    public CatalogState(Path file) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        // compaction only below half full: at H2's default (90 %) its background writer rewrote chunks
        // without pause under a steady stream of writes, ~9 % of a worker's CPU with small files
        this.store = new MVStore.Builder().fileName(file.toString()).cacheSize(16).autoCommitBufferSize(4096)
                .autoCompactFillRate(COMPACT_BELOW_FILL_PERCENT).open();
        this.records = store.openMap("records");
        this.meta = store.openMap("meta");
        this.annulled = store.openMap("annulled");
    }

    public Optional<CatalogRecord> get(String key) {
        byte[] bytes = records.get(key);
        return bytes == null ? Optional.empty() : Optional.of(CatalogRecord.decode(key, bytes));
    }

    /** Applies an operation of entry {@code seq}; returns the key's record after it (empty after a delete). */
    public Optional<CatalogRecord> apply(long seq, long epoch, CatalogOp op) {
        Optional<CatalogRecord> result;
        if (op.kind() == CatalogOp.DELETE) {
            records.remove(op.key());
            result = Optional.empty();
        } else {
            CatalogRecord current = get(op.key()).orElse(null);
            CatalogRecord next = CatalogRecord.afterPut(current, op, seq);
            if (next != current) {
                records.put(op.key(), next.encode());
            }
            result = Optional.of(next);
        }
        markApplied(seq, epoch);
        return result;
    }

    /** Records that every entry up to {@code seq} is applied (also for entries that change nothing). */
    public void markApplied(long seq, long epoch) {
        meta.put(APPLIED, seq);
        meta.put(APPLIED_EPOCH, epoch);
    }

    /** Remembers a range of annulled entries (from the rollback entry at {@code markerSeq}). */
    public void annul(long from, long to, long markerSeq) {
        annulled.put(from, new long[] {to, markerSeq});
    }

    /** Annulled ranges as from → {to (inclusive), seq of the rollback entry}. */
    public Map<Long, long[]> annulledRanges() {
        return Map.copyOf(annulled);
    }

    public long appliedSeq() {
        return meta.getOrDefault(APPLIED, 0L);
    }

    public long appliedEpoch() {
        return meta.getOrDefault(APPLIED_EPOCH, 0L);
    }

    public long size() {
        return records.sizeAsLong();
    }

    /** Saves and fsyncs the store; returns the applied seq the saved version covers. */
    public long checkpoint() {
        long applied = appliedSeq();
        store.commit();
        store.sync();
        return applied;
    }

    /**
     * A consistent view for a replica whose log is too far behind: the applied position and every
     * record as of now. The map is copy-on-write, so the view stays fixed while writes go on (the
     * store keeps old pages for its retention time, 45 s by default; a longer transfer fails and is
     * retried). Call it where no entry is being applied.
     */
    public Snapshot snapshot() {
        var root = records.flushAndGetRoot();
        Cursor<String, byte[]> cursor = records.cursor(root, null, null, false);
        Iterator<Map.Entry<String, byte[]>> iterator = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return cursor.hasNext();
            }

            @Override
            public Map.Entry<String, byte[]> next() {
                String key = cursor.next();
                return Map.entry(key, cursor.getValue());
            }
        };
        return new Snapshot(appliedSeq(), appliedEpoch(), annulledRanges(), iterator);
    }

    /** A point-in-time view of the state (see {@link #snapshot()}). */
    public record Snapshot(long seq, long epoch, Map<Long, long[]> annulled, Iterator<Map.Entry<String, byte[]>> records) {}

    /** Starts replacing the whole state with a snapshot; until {@link #finishInstall} the state is marked incomplete on disk. */
    public void beginInstall() {
        meta.put(INSTALLING, 1L);
        records.clear();
        annulled.clear();
        checkpoint();
    }

    public void putRaw(String key, byte[] encoded) {
        CatalogRecord.decode(key, encoded); // reject what does not parse before it is stored
        records.put(key, encoded);
    }

    /** Completes a snapshot install at (seq, epoch) and saves it. */
    public void finishInstall(long seq, long epoch, Map<Long, long[]> ranges) {
        ranges.forEach(annulled::put);
        markApplied(seq, epoch);
        meta.remove(INSTALLING);
        checkpoint();
    }

    /** Whether a snapshot install was cut short (a crash): the state is then incomplete and must be discarded. */
    public boolean interruptedInstall() {
        return meta.containsKey(INSTALLING);
    }

    /** Discards everything (after an interrupted install): the member starts empty and catches up again. */
    public void reset() {
        records.clear();
        annulled.clear();
        meta.clear();
        checkpoint();
    }

    @Override
    public void close() {
        store.close();
    }
}
