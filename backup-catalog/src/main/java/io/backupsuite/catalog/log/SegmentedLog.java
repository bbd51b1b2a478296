package io.backupsuite.catalog.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable, append-only log: segment files of CRC-checked records and group commit.
 *
 * <p>{@link #append} writes entries to the page cache at once and returns a future that completes
 * when an fsync has covered them; one round at a time fsyncs whatever was written since the last
 * one, so concurrent appends share fsyncs. The flusher thread runs the rounds, or a caller that
 * waits anyway ({@link #flushNow}). Durability is a prefix: entry n durable means every
 * entry before it is too. On open, a torn or corrupt tail (crash mid-write) fails its CRC and is cut
 * off — it was never acknowledged. Entries are removed only by {@link #truncateFrom} (a suffix the
 * caller has found to conflict by epoch) and {@link #compactTo} (whole segments of committed,
 * applied entries).
 */
public final class SegmentedLog implements AutoCloseable {

    static final int MAX_RECORD = 16 << 20;
    private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);

    private final Path dir;
    private final long segmentBytes;
    private final LongConsumer fsyncNanos;
    private final List<Segment> segments = new ArrayList<>();
    private final TreeMap<Long, Long> epochStarts = new TreeMap<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> waiters = new TreeMap<>();
    private final List<FileChannel> dirty = new ArrayList<>();
    /** The newest entries, so that replicating them to standbys reads memory, not the file. */
    private static final int TAIL_ENTRIES = 16_384;
    private final LogEntry[] ring = new LogEntry[TAIL_ENTRIES];
    /** Entries from here to {@link #lastSeq} are in {@link #ring}. */
    private long ringFirst;
    private final Thread flusher;
    private long baseSeq;
    private long baseEpoch;
    private long lastSeq;
    private long durableSeq;
    private long truncations;
    private IOException failure;
    private boolean closed;
    /** A group-commit round is running (in the flusher or in a caller of {@link #flushNow}). */
    private boolean flushing;

    /**
     * Opens the log in {@code dir}, recovering what is intact.
     *
     * @param segmentBytes a segment is closed and a new one started beyond this size
     * @param fsyncNanos told the duration of every fsync (for a histogram)
     */
    public SegmentedLog(Path dir, long segmentBytes, LongConsumer fsyncNanos) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsyncNanos = fsyncNanos;
        Files.createDirectories(dir);
        readBase();
        recover();
        this.durableSeq = lastSeq;
        this.ringFirst = lastSeq + 1;
        this.flusher = new Thread(this::flushLoop, "catalog-log-flusher");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    private void readBase() throws IOException {
        Path file = dir.resolve("base");
        if (Files.exists(file)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            baseSeq = b.getLong();
            baseEpoch = b.getLong();
        }
        lastSeq = baseSeq;
    }

    private void recover() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        boolean broken = false;
        for (Path file : files) {
            long base = Long.parseLong(file.getFileName().toString().replace(".seg", ""));
            if (broken || base != lastSeq + 1) {
                log.warn("Log {}: deleting segment {} after a torn or missing part", dir, file.getFileName());
                Files.delete(file);
                broken = true;
                continue;
            }
            Segment segment = new Segment(file, base);
            long torn = segment.recover((seq, epoch) -> noteEpoch(seq, epoch));
            segments.add(segment);
            lastSeq = segment.lastSeq();
            if (torn > 0) {
                log.warn("Log {}: cutting {} bytes of a torn or corrupt tail after entry {}", dir, torn, lastSeq);
                segment.channel.truncate(segment.size());
                segment.channel.force(true);
                broken = true;
            }
        }
        if (segments.isEmpty()) {
            newSegment(lastSeq + 1);
        }
    }

    private void noteEpoch(long seq, long epoch) {
        Map.Entry<Long, Long> current = epochStarts.lastEntry();
        if (current == null || current.getValue() != epoch) {
            epochStarts.put(seq, epoch);
        }
    }

    private Segment newSegment(long base) throws IOException {
        Segment segment = new Segment(dir.resolve(String.format("%020d.seg", base)), base);
        segments.add(segment);
        forceDirectory();
        return segment;
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the segment's own fsync still covers its data
        }
    }

    /**
     * Appends entries that must continue the log (next seq, epoch not lower than the last). Returns
     * a future of the last entry's seq, completed once it is fsynced.
     */
    public synchronized CompletableFuture<Long> append(List<LogEntry> entries) {
        if (failure != null || closed) {
            return CompletableFuture.failedFuture(failure != null ? failure : LogException.closed());
        }
        long expectedSeq = lastSeq + 1;
        long minEpoch = lastEpoch();
        for (LogEntry entry : entries) {
            // all checked before anything is written: a refused append leaves the log as it was
            if (entry.seq() != expectedSeq || entry.epoch() < minEpoch || entry.diskSize() > MAX_RECORD) {
                return CompletableFuture.failedFuture(LogException.invalid("entry (" + entry.epoch() + ", " + entry.seq()
                        + ") does not continue the log at (" + minEpoch + ", " + (expectedSeq - 1) + ")"));
            }
            expectedSeq++;
            minEpoch = entry.epoch();
        }
        try {
            writeRuns(entries);
        } catch (IOException e) {
            failure = LogException.failed(e);
            return CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<Long> done = whenDurable(lastSeq);
        notifyAll();
        return done;
    }

    /** Writes checked entries, one write per segment they fall into; a full segment is closed and a new one started. */
    private void writeRuns(List<LogEntry> entries) throws IOException {
        int from = 0;
        while (from < entries.size()) {
            Segment active = segments.get(segments.size() - 1);
            int to = from;
            long bytes = active.size();
            while (to < entries.size() && (to == from && bytes == 0 || bytes + entries.get(to).diskSize() <= segmentBytes)) {
                bytes += entries.get(to).diskSize();
                to++;
            }
            if (to == from) {
                if (!dirty.contains(active.channel)) {
                    dirty.add(active.channel);
                }
                newSegment(entries.get(from).seq());
                continue;
            }
            List<LogEntry> run = entries.subList(from, to);
            active.write(run);
            for (LogEntry entry : run) {
                noteEpoch(entry.seq(), entry.epoch());
                lastSeq = entry.seq();
                ring[(int) (entry.seq() % TAIL_ENTRIES)] = entry;
            }
            ringFirst = Math.max(ringFirst, lastSeq - TAIL_ENTRIES + 1);
            from = to;
        }
    }

    /** Completes once every entry up to {@code seq} is fsynced (at once if it already is). */
    public synchronized CompletableFuture<Long> whenDurable(long seq) {
        if (seq <= durableSeq) {
            return CompletableFuture.completedFuture(seq);
        }
        if (failure != null || closed) {
            return CompletableFuture.failedFuture(failure != null ? failure : LogException.closed());
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        waiters.computeIfAbsent(seq, k -> new ArrayList<>(1)).add(done);
        return done;
    }

    private void flushLoop() {
        while (true) {
            synchronized (this) {
                while ((durableSeq >= lastSeq || flushing) && !closed && failure == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || failure != null) {
                    return;
                }
            }
            flushRound();
        }
    }

    /**
     * Runs a group-commit round in the calling thread if entries wait for an fsync and no round is
     * running; otherwise returns at once (the running round, or the flusher after it, covers them).
     * A caller that would block on {@link #whenDurable} anyway — a standby answering an append —
     * so saves the two thread switches of handing the fsync to the flusher and back, which on a
     * busy machine cost more than the fsync.
     */
    public void flushNow() {
        flushRound();
    }

    private void flushRound() {
        long target;
        long generation;
        List<FileChannel> channels;
        synchronized (this) {
            if (flushing || durableSeq >= lastSeq || closed || failure != null) {
                return;
            }
            flushing = true; // one round at a time: whoever runs it fsyncs for everybody
            target = lastSeq;
            generation = truncations;
            channels = new ArrayList<>(dirty);
            dirty.clear();
            channels.add(segments.get(segments.size() - 1).channel);
        }
        try {
            long start = System.nanoTime();
            for (FileChannel channel : channels) {
                channel.force(false);
            }
            fsyncNanos.accept(System.nanoTime() - start);
        } catch (IOException e) {
            synchronized (this) {
                flushing = false;
                notifyAll();
                if (generation != truncations || closed) {
                    return; // the channel went away with a truncation or close, not a disk failure
                }
            }
            log.error("Log {} failed to fsync; refusing writes until restart", dir, e);
            failAll(LogException.failed(e));
            return;
        }
        completeUpTo(target, generation);
    }

    private void completeUpTo(long target, long generation) {
        List<CompletableFuture<Long>> done = new ArrayList<>();
        synchronized (this) {
            flushing = false;
            notifyAll(); // the flusher takes what was appended during this round
            if (generation != truncations) {
                return; // a truncation raced with this fsync: the next round covers what is there now
            }
            durableSeq = Math.max(durableSeq, target);
            var head = waiters.headMap(durableSeq, true);
            head.values().forEach(done::addAll);
            head.clear();
        }
        long at = target;
        done.forEach(f -> f.complete(at));
    }

    private void failAll(IOException cause) {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        synchronized (this) {
            failure = cause;
            notifyAll();
            waiters.values().forEach(all::addAll);
            waiters.clear();
        }
        all.forEach(f -> f.completeExceptionally(cause));
    }

    /** Reads up to {@code max} entries (and about {@code maxBytes}) starting at {@code from}. */
    public synchronized List<LogEntry> read(long from, int max, int maxBytes) throws IOException {
        if (from <= baseSeq) {
            throw LogException.invalid("entry " + from + " was compacted (log starts after " + baseSeq + ")");
        }
        List<LogEntry> out = new ArrayList<>();
        int bytes = 0;
        if (from >= ringFirst) {
            for (long seq = from; seq <= lastSeq && out.size() < max && bytes < maxBytes; seq++) {
                LogEntry entry = ring[(int) (seq % TAIL_ENTRIES)];
                bytes += entry.diskSize();
                out.add(entry);
            }
            return out;
        }
        for (long seq = from; seq <= lastSeq && out.size() < max && bytes < maxBytes; seq++) {
            LogEntry entry = segmentOf(seq).read(seq);
            bytes += entry.diskSize();
            out.add(entry);
        }
        return out;
    }

    private Segment segmentOf(long seq) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).base <= seq) {
                return segments.get(i);
            }
        }
        throw new IllegalArgumentException("no segment holds entry " + seq);
    }

    /** Epoch of the entry at {@code seq} (0 for seq 0); -1 when the log does not hold it. */
    public synchronized long epochAt(long seq) {
        if (seq == baseSeq) {
            return baseEpoch;
        }
        if (seq < baseSeq || seq > lastSeq) {
            return -1;
        }
        return epochStarts.floorEntry(seq).getValue();
    }

    /** First seq of the run of entries with the same epoch that holds {@code seq}. */
    public synchronized long epochRunStart(long seq) {
        var entry = epochStarts.floorEntry(seq);
        return entry == null ? baseSeq : Math.max(entry.getKey(), baseSeq);
    }

    /**
     * Removes {@code seq} and everything after it. The caller has established that the entry there
     * conflicts (a different epoch than the primary's) and that it is not committed.
     */
    public synchronized void truncateFrom(long seq) throws IOException {
        if (seq <= baseSeq) {
            throw LogException.invalid("cannot truncate compacted entry " + seq);
        }
        if (seq > lastSeq) {
            return;
        }
        while (segments.size() > 1 && segments.get(segments.size() - 1).base > seq) {
            Segment last = segments.remove(segments.size() - 1);
            dirty.remove(last.channel);
            last.close();
            Files.delete(last.file);
        }
        Segment active = segments.get(segments.size() - 1);
        active.truncateFrom(seq);
        active.channel.force(true);
        epochStarts.tailMap(seq, true).clear();
        ringFirst = Math.min(ringFirst, seq);
        lastSeq = seq - 1;
        durableSeq = Math.min(durableSeq, lastSeq);
        truncations++;
        List<CompletableFuture<Long>> lost = new ArrayList<>();
        var tail = waiters.tailMap(seq, true);
        tail.values().forEach(lost::addAll);
        tail.clear();
        lost.forEach(f -> f.completeExceptionally(LogException.truncated(seq)));
        log.info("Log {}: truncated from entry {}", dir, seq);
    }

    /** Deletes whole segments whose entries are all at or below {@code seq} (committed and applied). */
    public synchronized int compactTo(long seq) throws IOException {
        int removed = 0;
        while (segments.size() > 1 && segments.get(0).lastSeq() <= seq && segments.get(0).lastSeq() <= durableSeq) {
            Segment first = segments.get(0);
            long newBase = first.lastSeq();
            long newBaseEpoch = epochAt(newBase);
            long nextEpoch = epochAt(newBase + 1);
            writeBase(newBase, newBaseEpoch);
            segments.remove(0);
            dirty.remove(first.channel);
            first.close();
            Files.delete(first.file);
            baseSeq = newBase;
            baseEpoch = newBaseEpoch;
            epochStarts.headMap(baseSeq, true).clear();
            if (nextEpoch >= 0) {
                epochStarts.putIfAbsent(baseSeq + 1, nextEpoch);
            }
            removed++;
        }
        return removed;
    }

    /**
     * Drops the whole log and restarts it after (epoch, seq): used when a snapshot of the catalog
     * replaces a log that was too far behind.
     */
    public synchronized void resetTo(long seq, long epoch) throws IOException {
        writeBase(seq, epoch);
        for (Segment s : segments) {
            s.close();
            Files.delete(s.file);
        }
        segments.clear();
        dirty.clear();
        epochStarts.clear();
        ringFirst = seq + 1;
        baseSeq = seq;
        baseEpoch = epoch;
        lastSeq = seq;
        durableSeq = seq;
        truncations++;
        newSegment(seq + 1);
    }

    private void writeBase(long seq, long epoch) throws IOException {
        Path tmp = dir.resolve("base.tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.allocate(16).putLong(seq).putLong(epoch).flip());
            c.force(true);
        }
        Files.move(tmp, dir.resolve("base"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized long lastEpoch() {
        return lastSeq == baseSeq ? baseEpoch : epochStarts.lastEntry().getValue();
    }

    public synchronized long durableSeq() {
        return durableSeq;
    }

    /** Seq of the last compacted entry; entries after it are held. */
    public synchronized long baseSeq() {
        return baseSeq;
    }

    public synchronized int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            flusher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Long>> all = new ArrayList<>();
        synchronized (this) {
            waiters.values().forEach(all::addAll);
            waiters.clear();
            for (Segment s : segments) {
                s.close();
            }
        }
        all.forEach(f -> f.completeExceptionally(LogException.closed()));
    }
}
