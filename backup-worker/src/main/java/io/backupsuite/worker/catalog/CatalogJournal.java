package io.backupsuite.worker.catalog;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only journal of catalog writes with group commit. Writers enqueue records; one flusher
 * thread writes everything queued since its last round and fsyncs once, then completes every
 * writer of that round — so many concurrent writes share one fsync. Sequence numbers follow file
 * order. After an I/O error the journal refuses further writes (the page cache can no longer be
 * trusted after a failed fsync); the process must restart and replay.
 */
final class CatalogJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogJournal.class);
    private static final int MAGIC = 0x4253434A; // "BSCJ"
    private static final int FORMAT = 1;
    private static final int FILE_HEADER = 8;

    /** Makes written bytes durable; replaceable in tests to observe or hold fsyncs. */
    @FunctionalInterface
    interface Syncer {
        Syncer FDATASYNC = channel -> channel.force(false);

        void sync(FileChannel channel) throws IOException;
    }

    private record Pending(long seq, byte[] bytes, CompletableFuture<Long> done) {}

    private final Path file;
    private final Syncer syncer;
    private final FileChannel channel;
    private final Object lock = new Object();
    private final Thread flusher;
    private List<Pending> pending = new ArrayList<>();
    private long lastSeq;
    private volatile long durableSeq;
    private volatile long syncs;
    private IOException failure;
    private boolean closed;

    /** Opens (or creates) the journal, hands every intact record to {@code replay}, and cuts off a torn tail. */
    CatalogJournal(Path file, Syncer syncer, Consumer<JournalRecord> replay) throws IOException {
        this.file = file;
        this.syncer = syncer;
        Files.createDirectories(file.getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long end = replay(replay);
        if (end < channel.size()) {
            log.warn("Catalog journal {}: dropping {} bytes of a torn or corrupt tail at offset {}", file, channel.size() - end, end);
            channel.truncate(end);
            channel.force(true);
        }
        channel.position(end);
        this.durableSeq = lastSeq;
        this.flusher = new Thread(this::flushLoop, "catalog-journal");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    /**
     * Reads records until the first one that is incomplete or fails its CRC. Everything after that
     * point was never acknowledged: a record is acknowledged only after an fsync that covered it
     * and everything before it, so a bad record can only be part of an unfinished last round.
     */
    private long replay(Consumer<JournalRecord> replay) throws IOException {
        long size = channel.size();
        if (size < FILE_HEADER) {
            ByteBuffer header = ByteBuffer.allocate(FILE_HEADER).putInt(MAGIC).putInt(FORMAT).flip();
            channel.truncate(0);
            channel.write(header, 0);
            channel.force(true);
            return FILE_HEADER;
        }
        InputStream raw = Channels.newInputStream(channel.position(0));
        var in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
            throw new IOException(file + " is not a catalog journal of format " + FORMAT);
        }
        long position = FILE_HEADER;
        while (size - position >= JournalRecord.HEADER) {
            int length = in.readInt();
            int crc = in.readInt();
            if (length <= 0 || length > JournalRecord.MAX_PAYLOAD || size - position - JournalRecord.HEADER < length) {
                break;
            }
            byte[] payload = new byte[length];
            try {
                in.readFully(payload);
            } catch (EOFException e) {
                break;
            }
            if (!JournalRecord.intact(payload, crc)) {
                break;
            }
            JournalRecord record = JournalRecord.decode(payload);
            lastSeq = Math.max(lastSeq, record.seq());
            replay.accept(record);
            position += JournalRecord.HEADER + length;
        }
        return position;
    }

    /** Queues a record; the future completes with its sequence number once it is fsynced. */
    CompletableFuture<Long> append(CatalogEntry entry) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        synchronized (lock) {
            if (failure != null || closed) {
                done.completeExceptionally(failure != null ? failure : new IOException("catalog journal is closed"));
                return done;
            }
            long seq = ++lastSeq;
            pending.add(new Pending(seq, new JournalRecord(seq, entry).encode(), done));
            lock.notifyAll();
        }
        return done;
    }

    private void flushLoop() {
        while (true) {
            List<Pending> batch;
            synchronized (lock) {
                while (pending.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (pending.isEmpty()) {
                    return;
                }
                batch = pending;
                pending = new ArrayList<>();
            }
            flush(batch);
        }
    }

    private void flush(List<Pending> batch) {
        try {
            ByteBuffer[] buffers = batch.stream().map(p -> ByteBuffer.wrap(p.bytes())).toArray(ByteBuffer[]::new);
            long remaining = batch.stream().mapToLong(p -> p.bytes().length).sum();
            while (remaining > 0) {
                remaining -= channel.write(buffers);
            }
            syncer.sync(channel);
            syncs++;
            durableSeq = batch.get(batch.size() - 1).seq();
            batch.forEach(p -> p.done().complete(p.seq()));
        } catch (IOException | RuntimeException e) {
            IOException cause = e instanceof IOException io ? io : new IOException(e);
            log.error("Catalog journal {} failed; refusing further writes until restart", file, e);
            List<Pending> rest;
            synchronized (lock) {
                failure = cause;
                rest = pending;
                pending = new ArrayList<>();
            }
            batch.forEach(p -> p.done().completeExceptionally(cause));
            rest.forEach(p -> p.done().completeExceptionally(cause));
        }
    }

    long durableSequence() {
        return durableSeq;
    }

    /** Number of fsyncs done since opening. */
    long syncCount() {
        return syncs;
    }

    /** Records queued and not yet taken by the flusher. */
    int queued() {
        synchronized (lock) {
            return pending.size();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
