package io.backupsuite.worker.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small blobs appended to pack files ({@code packs/pack-<n>.dat}) instead of a file each. A file per
 * 4 KiB blob cost each copy a temp file, a file fsync, a mkdir, a rename and a directory fsync; a
 * profile of a replicated worker put a quarter of its CPU there. Here concurrent commits are
 * group-committed: one leader writes every waiting record with one gathering write and one fsync,
 * and only then are they indexed and their callers answered, so a blob reported stored is on disk.
 *
 * <p>A record is its SHA-256 (32 bytes), its length (4), a CRC32C of the three (4), then the bytes.
 * A pack is closed at {@link #ROLL_BYTES}; its sidecar {@code pack-<n>.idx} (every record's
 * SHA-256, offset and length) is written then, so opening the store reads the sidecars and scans
 * only the pack that was open; when that one does not end with a whole record (a write the crash
 * cut short, never acknowledged), it is closed as it is and appends go to a new pack. Reads check
 * the full SHA-256 and the CRC of the record; a record that fails is forgotten, so the blob is no
 * longer held here and can be stored again.
 */
final class PackStore {

    private static final Logger log = LoggerFactory.getLogger(PackStore.class);

    static final int HEADER_BYTES = 40;
    static final long ROLL_BYTES = 64L << 20;

    private final Path dir;
    private final long rollBytes;
    private final BlobStore.FileSync fileSync;
    private final PackIndex index = new PackIndex();
    private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();
    /** Records that failed their CRC when read: no longer held here, so the blob can be stored again. */
    private final Set<Long> damaged = ConcurrentHashMap.newKeySet();
    private final Counter damagedReads;
    private final Object lock = new Object();
    private final Timer commitTimer;
    private final DistributionSummary batchSizes;
    private List<Pending> open = new ArrayList<>();
    private boolean writing;
    // the open pack; touched by the leader of a batch only
    private FileChannel active;
    private int activeNumber;
    private long end;
    private final List<PackFiles.Entry> activeEntries = new ArrayList<>();

    /** One caller's blob, waiting for the batch that writes it. */
    private static final class Pending {
        final String sha256;
        final byte[] content;
        boolean done;
        boolean alreadyPresent;
        IOException failure;

        Pending(String sha256, byte[] content) {
            this.sha256 = sha256;
            this.content = content;
        }
    }

    PackStore(Path dir, BlobStore.FileSync fileSync, MeterRegistry registry) throws IOException {
        this(dir, fileSync, registry, ROLL_BYTES);
    }

    /** {@code rollBytes}: the size at which a pack is closed (tests use small ones). */
    PackStore(Path dir, BlobStore.FileSync fileSync, MeterRegistry registry, long rollBytes) throws IOException {
        this.rollBytes = rollBytes;
        this.dir = dir;
        this.fileSync = fileSync;
        Files.createDirectories(dir);
        this.commitTimer = Timer.builder("backup.worker.store.pack.commit")
                .description("Time to write and fsync one batch of small blobs into a pack")
                .publishPercentileHistogram()
                .register(registry);
        this.batchSizes = DistributionSummary.builder("backup.worker.store.pack.batch")
                .description("Small blobs written with one fsync")
                .register(registry);
        this.damagedReads = Counter.builder("backup.worker.store.pack.damaged")
                .description("Packed blobs found damaged when read (CRC mismatch); forgotten, so they can be stored again")
                .register(registry);
        Gauge.builder("backup.worker.store.packed.blobs", index, PackIndex::size)
                .description("Blobs held in pack files")
                .register(registry);
        PackFiles.Recovered recovered = PackFiles.recover(dir, (sha, location) -> index.add(PackFiles.prefix(sha), location));
        this.activeNumber = recovered.openNumber();
        this.active = FileChannel.open(PackFiles.pack(dir, activeNumber), StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.end = recovered.openEnd();
        this.activeEntries.addAll(recovered.openEntries());
    }

    /** A record found for a name: where it is and its header (SHA-256, length, CRC). */
    private record Found(long location, ByteBuffer header) {}

    boolean contains(String sha256) {
        return locate(sha256) != null;
    }

    /** The content of a packed blob, checked against its record's CRC. */
    Optional<byte[]> read(String sha256) throws IOException {
        Found found = locate(sha256);
        if (found == null) {
            return Optional.empty();
        }
        long location = found.location();
        ByteBuffer header = found.header();
        ByteBuffer content = readFully(reader(PackIndex.pack(location)), PackIndex.offset(location) + HEADER_BYTES, header.getInt(32));
        if (PackFiles.crc(header.array(), content.array()) != header.getInt(36)) {
            if (damaged.add(location)) {
                damagedReads.increment();
                log.error("Packed blob {} in pack {} at {} fails its CRC: forgotten here, to be stored again", sha256,
                        PackIndex.pack(location), PackIndex.offset(location));
            }
            throw new IOException("packed blob " + sha256 + " fails its CRC: the pack is damaged");
        }
        return Optional.of(content.array());
    }

    /** Appends a blob whose bytes the caller verified against {@code sha256}; returns once it is durable. */
    StoredBlob put(String sha256, byte[] content) throws StorageException {
        if (contains(sha256)) {
            return new StoredBlob(sha256, content.length, true);
        }
        Pending mine = new Pending(sha256, content);
        List<Pending> batch;
        synchronized (lock) {
            open.add(mine);
            while (!mine.done && writing) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // still answered: the batch it is in may be written
                }
            }
            if (!mine.done) {
                writing = true; // the leader of this batch: later callers wait for the next one
                batch = open;
                open = new ArrayList<>();
            } else {
                batch = null;
            }
        }
        if (batch != null) {
            IOException failure = null;
            try {
                write(batch);
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
            }
            synchronized (lock) {
                for (Pending p : batch) {
                    p.done = true;
                    p.failure = failure;
                }
                writing = false;
                lock.notifyAll();
            }
        }
        if (mine.failure != null) {
            throw StorageException.io("cannot store blob " + sha256 + " in a pack", mine.failure);
        }
        return new StoredBlob(sha256, content.length, mine.alreadyPresent);
    }

    /** Writes one batch with one gathering write and one fsync, then indexes it; on failure the pack is cut back. */
    private void write(List<Pending> batch) throws IOException {
        Timer.Sample sample = Timer.start();
        List<ByteBuffer> buffers = new ArrayList<>();
        List<PackFiles.Entry> written = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        long position = end;
        for (Pending p : batch) {
            if (!inBatch.add(p.sha256) || contains(p.sha256)) {
                p.alreadyPresent = true;
                continue;
            }
            byte[] sha = PackFiles.shaBytes(p.sha256);
            buffers.add(PackFiles.header(sha, p.content));
            buffers.add(ByteBuffer.wrap(p.content));
            written.add(new PackFiles.Entry(sha, position, p.content.length));
            position += HEADER_BYTES + p.content.length;
        }
        if (written.isEmpty()) {
            return;
        }
        try {
            ByteBuffer[] all = buffers.toArray(ByteBuffer[]::new);
            active.position(end);
            while (all[all.length - 1].hasRemaining()) {
                active.write(all);
            }
            fileSync.force(active);
        } catch (IOException e) {
            try {
                active.truncate(end); // nothing of a failed batch stays to be found on the next open
            } catch (IOException ignored) {
                // a record that did reach the disk is whole and correct, so finding it later is harmless
            }
            throw e;
        }
        for (PackFiles.Entry entry : written) {
            index.add(PackFiles.prefix(entry.sha()), PackIndex.location(activeNumber, entry.offset()));
        }
        activeEntries.addAll(written);
        end = position;
        batchSizes.record(written.size());
        sample.stop(commitTimer);
        if (end >= rollBytes) {
            roll();
        }
    }

    /** Closes the open pack with its sidecar and starts the next one. */
    private void roll() throws IOException {
        PackFiles.writeSidecar(dir, activeNumber, activeEntries);
        int next = activeNumber + 1;
        FileChannel created = PackFiles.create(dir, next);
        active.close();
        active = created;
        activeNumber = next;
        end = PackFiles.FILE_HEADER_BYTES;
        activeEntries.clear();
    }

    /** The undamaged record of this name, its header read once for the caller; {@code null} when none. */
    private Found locate(String sha256) {
        byte[] sha = PackFiles.shaBytes(sha256);
        for (long location : index.find(PackFiles.prefix(sha))) {
            if (damaged.contains(location)) {
                continue;
            }
            try {
                ByteBuffer header = readFully(reader(PackIndex.pack(location)), PackIndex.offset(location), HEADER_BYTES);
                if (Arrays.equals(header.array(), 0, 32, sha, 0, 32)) {
                    return new Found(location, header);
                }
            } catch (IOException e) {
                // an unreadable pack holds nothing we can serve
            }
        }
        return null;
    }

    private FileChannel reader(int number) throws IOException {
        FileChannel channel = readers.get(number);
        if (channel == null) {
            synchronized (readers) {
                channel = readers.get(number);
                if (channel == null) {
                    channel = FileChannel.open(PackFiles.pack(dir, number), StandardOpenOption.READ);
                    readers.put(number, channel);
                }
            }
        }
        return channel;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        PackFiles.readAt(channel, buffer, position);
        return buffer.flip();
    }

    void close() {
        try {
            active.close();
        } catch (IOException ignored) {
            // every acknowledged record was fsynced already
        }
        readers.values().forEach(channel -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only
            }
        });
    }
}
