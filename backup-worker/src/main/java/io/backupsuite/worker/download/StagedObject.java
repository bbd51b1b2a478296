package io.backupsuite.worker.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.zip.CRC32C;

/**
 * The staging of one object: {@code data} (the content so far, each chunk at its offset),
 * {@code manifest} (expected size and SHA-256, chunk size, the source validator the bytes came with)
 * and {@code chunks} (one record per verified chunk: index and CRC32C, in the order they were
 * sealed, which need not be the order of the file: parallel ranges seal out of order). A record is
 * appended when its chunk is complete and checked; the data and the records are fsynced together
 * every {@link #SYNC_BYTES} and when the staging is kept after a failure, not per chunk (an fsync per
 * chunk held every connection up). A record may therefore reach the disk before its data after a
 * power loss: on open, every recorded chunk is re-read against its CRC and dropped if it does not
 * match, so at most the last unsynced stretch is fetched again (a killed process loses nothing: the
 * page cache has its writes). A chunk written again (a repair) gets a newer record, the last one
 * counts. The unbroken prefix is hashed on open (the whole-file SHA-256 starts from it). A chunk
 * whose connection broke part-way keeps what arrived as a partial record (its length and the CRC of
 * those bytes), so the next range asks only for the rest of it. Objects of a single chunk are not made durable here
 * (see {@link #resumable()}). Sequential writers use {@link #append}; parallel ones
 * {@link #writeAt} and {@link #seal(int, int)}, which are thread-safe.
 */
final class StagedObject {

    /** Bytes of sealed chunks between two fsyncs of data and records. */
    static final long SYNC_BYTES = 64L << 20;

    private final Path dir;
    private final Path data;
    private final Path chunks;
    private final long size;
    private final String sha256;
    private final long chunkSize;
    private final Runnable release;
    private final byte[] memory; // the content of a small object staged in memory (no files), else null
    private final int chunkCount;
    private final int[] crcs;
    private final BitSet sealed = new BitSet();
    private final long[] partialBytes;
    private final int[] partialCrcs;
    private final CRC32C crc = new CRC32C();
    private long unsynced;
    private FileChannel dataChannel;
    private ChunkLog chunkLog;
    private String validator;
    private MessageDigest prefixDigest;
    private long pending; // bytes of the chunk being filled, past the verified prefix
    private boolean released;

    private StagedObject(Path dir, long size, String sha256, long chunkSize, Runnable release) {
        this.dir = dir;
        this.memory = dir == null ? new byte[(int) size] : null;
        this.data = dir == null ? null : dir.resolve("data");
        this.chunks = dir == null ? null : dir.resolve("chunks");
        this.size = size;
        this.sha256 = sha256;
        this.chunkSize = chunkSize;
        this.release = release;
        this.chunkCount = (int) ((size + chunkSize - 1) / chunkSize);
        this.crcs = new int[chunkCount];
        this.partialBytes = new long[chunkCount];
        this.partialCrcs = new int[chunkCount];
    }

    static StagedObject open(Path dir, long size, String sha256, long chunkSize, Runnable release) throws IOException {
        Files.createDirectories(dir);
        StagedObject staged = new StagedObject(dir, size, sha256, chunkSize, release);
        staged.load();
        return staged;
    }

    /**
     * Stages a small object of one chunk in memory: it has nothing to resume (a retry fetches it
     * again whole) and goes into a pack when committed, so files here would only cost syscalls.
     */
    static StagedObject inMemory(long size, String sha256, long chunkSize, Runnable release) {
        if (size > chunkSize || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("only an object of one chunk is staged in memory");
        }
        StagedObject staged = new StagedObject(null, size, sha256, chunkSize, release);
        staged.prefixDigest = Hashing.sha256();
        return staged;
    }

    /** Whether the object is staged in memory ({@link #content()}) rather than in a file ({@link #complete()}). */
    boolean inMemory() {
        return memory != null;
    }

    /** The complete content of an object staged in memory. */
    byte[] content() {
        if (memory == null || verified() != size || pending != 0) {
            throw new IllegalStateException("staging is not complete in memory");
        }
        return memory;
    }

    /** Bytes in the unbroken prefix of verified chunks: where a sequential transfer continues. */
    synchronized long verified() {
        return Math.min(sealed.nextClearBit(0) * chunkSize, size);
    }

    /** Verified chunks, wherever they are. */
    synchronized int verifiedChunks() {
        return sealed.cardinality();
    }

    synchronized boolean isSealed(int index) {
        return sealed.get(index);
    }

    int chunkCount() {
        return chunkCount;
    }

    long chunkSize() {
        return chunkSize;
    }

    long size() {
        return size;
    }

    /** Bytes of an unsealed chunk already staged from a broken connection (0: none). */
    synchronized long partial(int index) {
        return sealed.get(index) ? 0 : partialBytes[index];
    }

    /**
     * Records that the first {@code length} bytes of chunk {@code index} are staged, with their CRC32C
     * (a connection broke part-way through the chunk): the next fetch asks for the rest only.
     */
    void recordPartial(int index, long length, int prefixCrc) throws DownloadException {
        synchronized (this) {
            if (sealed.get(index) || length <= partialBytes[index]) {
                return;
            }
            partialBytes[index] = length;
            partialCrcs[index] = prefixCrc;
            if (!resumable()) {
                return;
            }
            try {
                chunkLog.appendPartial(index, length, prefixCrc);
            } catch (IOException e) {
                throw storage("cannot record a partial chunk", e);
            }
        }
    }

    /** The CRC32C recorded for a verified chunk. */
    synchronized int crc(int index) {
        return crcs[index];
    }

    /** Bytes in verified chunks, wherever they are. */
    synchronized long verifiedBytes() {
        long bytes = (long) sealed.cardinality() * chunkSize;
        if (chunkCount > 0 && sealed.get(chunkCount - 1)) {
            bytes -= (long) chunkCount * chunkSize - size; // the last chunk is short
        }
        return bytes;
    }

    /** Validator (strong ETag or Last-Modified) of the source version the staged bytes came from, if any. */
    String validator() {
        return validator;
    }

    /** A copy of the SHA-256 state after the verified prefix found when the staging was opened. */
    MessageDigest prefixDigest() {
        return Hashing.copy(prefixDigest);
    }

    /** Starts the content over from byte 0 (a new version, with its source validator if any). */
    void reset(String newValidator) throws DownloadException {
        try {
            resetFiles(newValidator);
        } catch (IOException e) {
            throw storage("cannot reset the staging", e);
        }
    }

    private synchronized void resetFiles(String newValidator) throws IOException {
        sealed.clear();
        java.util.Arrays.fill(partialBytes, 0);
        if (memory == null) {
            chunkLog.clear();
            dataChannel.truncate(0);
        }
        pending = 0;
        crc.reset();
        validator = newValidator;
        if (resumable()) {
            chunkLog.force();
            writeManifest();
        }
        prefixDigest = Hashing.sha256();
    }

    /**
     * Whether the staging is kept durable chunk by chunk. An object of one chunk has nothing to
     * resume from (a retry fetches it again whole), so it skips the manifest and the per-chunk
     * fsyncs: the blob store fsyncs the file and its directory when it commits it. For small files
     * that is the difference between two fsyncs per object and six.
     */
    private boolean resumable() {
        return memory == null && size > chunkSize;
    }

    /** Appends bytes after the verified prefix, sealing each chunk as it completes. */
    void append(byte[] bytes, int offset, int length) throws DownloadException {
        try {
            while (length > 0) {
                long start = verified();
                long chunkLength = Math.min(chunkSize, size - start);
                int n = (int) Math.min(length, chunkLength - pending);
                if (n <= 0) {
                    throw new IllegalStateException("more bytes than the object's size");
                }
                long position = start + pending;
                if (memory != null) {
                    System.arraycopy(bytes, offset, memory, (int) position, n);
                } else {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, n);
                    while (buffer.hasRemaining()) {
                        position += dataChannel.write(buffer, position);
                    }
                }
                crc.update(bytes, offset, n);
                pending += n;
                offset += n;
                length -= n;
                if (pending == chunkLength) {
                    seal();
                }
            }
        } catch (IOException e) {
            throw storage("cannot write the staging", e);
        }
    }

    /**
     * Drops the bytes of an unfinished chunk after the verified prefix (after a failed transfer): the
     * next one continues at {@link #verified()}. Verified chunks further on are kept.
     */
    void rewind() throws DownloadException {
        try {
            if (memory == null) {
                dataChannel.truncate(Math.max(verified(), dataEnd()));
            }
            pending = 0;
            crc.reset();
        } catch (IOException e) {
            throw storage("cannot rewind the staging", e);
        }
    }

    /** Writes bytes of a chunk at their offset (parallel writers; the chunk is not verified until {@link #seal(int, int)}). */
    void writeAt(long position, byte[] bytes, int offset, int length) throws DownloadException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                position += dataChannel.write(buffer, position);
            }
        } catch (IOException e) {
            throw storage("cannot write the staging", e);
        }
    }

    /** Reads staged bytes at {@code position} (the whole-file hash reads chunks back from the page cache). */
    int readAt(ByteBuffer buffer, long position) throws IOException {
        return dataChannel.read(buffer, position);
    }

    /** Records a chunk written with {@link #writeAt} and checked by the caller as verified (fsynced first). */
    void seal(int index, int chunkCrc) throws DownloadException {
        try {
            sealRecord(index, chunkCrc);
        } catch (IOException e) {
            throw storage("cannot seal a staged chunk", e);
        }
    }

    /** Forgets that a chunk was verified (it is about to be written again); its bytes count only once sealed again. */
    synchronized void unseal(int index) {
        sealed.clear(index);
    }

    /** Adopts the validator of the source version the first range came from, before any chunk of it is sealed. */
    synchronized void adoptValidator(String newValidator) throws DownloadException {
        if (validator != null || newValidator == null) {
            return;
        }
        validator = newValidator;
        if (resumable()) {
            try {
                writeManifest();
            } catch (IOException e) {
                throw storage("cannot record the source validator", e);
            }
        }
    }

    /** The complete content (every chunk sealed); the staging stays locked until {@link #discard()}. */
    Path complete() {
        if (verified() != size || pending != 0) {
            throw new IllegalStateException("staging is not complete");
        }
        closeChannels();
        return data;
    }

    /** Deletes the staging (after the commit, or when it is not worth keeping) and unlocks it. */
    void discard() {
        closeChannels();
        try {
            if (dir != null) {
                StagingArea.deleteTree(dir);
            }
        } catch (IOException ignored) {
            // swept later by age
        }
        unlock();
    }

    /** Keeps the verified chunks for the next attempt (or deletes the staging if there are none) and unlocks it. */
    void keep() {
        if (verified() == 0 || memory != null) {
            discard();
            return;
        }
        try {
            rewind();
            if (resumable()) {
                sync();
            }
        } catch (DownloadException | IOException ignored) {
            // a longer data file is cut back, and chunks that did not reach the disk are dropped, when it is opened again
        }
        closeChannels();
        unlock();
    }

    private void seal() throws IOException {
        sealRecord(sealed.nextClearBit(0), (int) crc.getValue());
        pending = 0;
        crc.reset();
    }

    private void sealRecord(int index, int chunkCrc) throws IOException {
        boolean sync;
        synchronized (this) {
            if (resumable()) {
                chunkLog.appendSealed(index, chunkCrc);
            }
            crcs[index] = chunkCrc;
            sealed.set(index);
            partialBytes[index] = 0;
            notifyAll(); // the whole-file hasher waits for the next chunk in order
            unsynced += chunkSize;
            sync = resumable() && unsynced >= SYNC_BYTES;
            if (sync) {
                unsynced = 0;
            }
        }
        if (sync) {
            sync(); // outside the lock: the other connections go on sealing meanwhile
        }
    }

    /** Makes the sealed chunks and their records durable (data first). */
    private void sync() throws IOException {
        dataChannel.force(false);
        chunkLog.force();
    }

    /** One past the last byte of the last verified chunk or partial chunk. */
    private synchronized long dataEnd() {
        int last = sealed.length() - 1;
        long end = last < 0 ? 0 : Math.min((last + 1) * chunkSize, size);
        for (int i = 0; i < chunkCount; i++) {
            if (partialBytes[i] > 0 && !sealed.get(i)) {
                end = Math.max(end, i * chunkSize + partialBytes[i]);
            }
        }
        return end;
    }

    private void load() throws IOException {
        StagingManifest found = StagingManifest.read(dir);
        dataChannel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        chunkLog = ChunkLog.open(chunks);
        prefixDigest = Hashing.sha256();
        if (found != null && found.size() == size && found.sha256().equals(sha256) && found.chunkSize() == chunkSize) {
            validator = found.validator();
            readChunkLog();
            verifyPrefix();
        } else {
            resetFiles(null);
        }
    }

    private void readChunkLog() throws IOException {
        chunkLog.read(chunkCount, chunkSize, size, new ChunkLog.Reader() {
            @Override
            public void sealed(int index, int crc) {
                crcs[index] = crc; // the last record of a chunk counts
                sealed.set(index);
                partialBytes[index] = 0;
            }

            @Override
            public void partial(int index, long length, int crc) {
                partialBytes[index] = length;
                partialCrcs[index] = crc;
            }
        });
    }

    /**
     * Re-reads the recorded chunks: each must match its CRC (bad ones are dropped and the chunk log
     * rewritten without them); the bytes of the unbroken prefix start the whole-file SHA-256.
     */
    private void verifyPrefix() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunkSize, 1 << 20));
        boolean prefix = true;
        int dropped = 0;
        for (int i = sealed.nextSetBit(0); i >= 0; i = sealed.nextSetBit(i + 1)) {
            prefix &= i == 0 || sealed.get(i - 1);
            MessageDigest before = prefix ? Hashing.copy(prefixDigest) : null;
            crc.reset();
            long end = Math.min((i + 1) * chunkSize, size);
            long position = i * chunkSize;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = dataChannel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                buffer.flip();
                crc.update(buffer.duplicate());
                if (prefix) {
                    prefixDigest.update(buffer);
                }
            }
            if (position < end || (int) crc.getValue() != crcs[i]) {
                sealed.clear(i);
                dropped++;
                if (prefix) {
                    prefixDigest = before;
                    prefix = false;
                }
            }
        }
        crc.reset();
        dropped += verifyPartials(buffer);
        if (dropped > 0) {
            rewriteChunkLog();
        }
        dataChannel.truncate(dataEnd());
    }

    /** Re-reads the partial chunks against their CRC; returns how many were dropped. */
    private int verifyPartials(ByteBuffer buffer) throws IOException {
        int dropped = 0;
        for (int i = 0; i < chunkCount; i++) {
            if (partialBytes[i] == 0 || sealed.get(i)) {
                partialBytes[i] = 0;
                continue;
            }
            crc.reset();
            long end = i * chunkSize + partialBytes[i];
            long position = i * chunkSize;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = dataChannel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                buffer.flip();
                crc.update(buffer);
            }
            if (position < end || (int) crc.getValue() != partialCrcs[i]) {
                partialBytes[i] = 0;
                dropped++;
            }
        }
        crc.reset();
        return dropped;
    }

    private void rewriteChunkLog() throws IOException {
        chunkLog.clear();
        for (int i = sealed.nextSetBit(0); i >= 0; i = sealed.nextSetBit(i + 1)) {
            chunkLog.appendSealed(i, crcs[i]);
        }
        for (int i = 0; i < chunkCount; i++) {
            if (partialBytes[i] > 0) {
                chunkLog.appendPartial(i, partialBytes[i], partialCrcs[i]);
            }
        }
        chunkLog.force();
    }

    private void writeManifest() throws IOException {
        new StagingManifest(size, sha256, chunkSize, validator).write(dir);
    }

    private void closeChannels() {
        for (AutoCloseable channel : new AutoCloseable[] {dataChannel, chunkLog}) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (Exception ignored) {
                // nothing more is written through it
            }
        }
    }

    private void unlock() {
        if (!released) {
            released = true;
            release.run();
        }
    }

    private static DownloadException storage(String what, IOException e) {
        return DownloadException.of(ErrorKind.STORAGE, what + ": " + e.getMessage(), 0);
    }
}
