package io.backupsuite.worker.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The staging of one object: {@code data} (the content so far), {@code manifest} (expected size and
 * SHA-256, chunk size, the source validator the bytes came with) and {@code chunks} (one record per
 * verified chunk: index and CRC32C). A chunk is written once; when it is complete the data is
 * fsynced and only then its record is appended and fsynced, so every recorded chunk is on disk. On
 * open, recorded chunks are re-read against their CRC and hashed (the whole-file SHA-256 starts from
 * the staged prefix); the first bad one and everything after it are dropped. Objects of a single
 * chunk are not made durable here (see {@link #resumable()}).
 */
final class StagedObject {

    private static final int RECORD = 8;

    private final Path dir;
    private final Path data;
    private final Path chunks;
    private final long size;
    private final String sha256;
    private final long chunkSize;
    private final Runnable release;
    private final List<Integer> crcs = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private FileChannel dataChannel;
    private FileChannel chunkLog;
    private String validator;
    private MessageDigest prefixDigest;
    private long pending; // bytes of the chunk being filled, past the verified prefix
    private boolean released;

    private StagedObject(Path dir, long size, String sha256, long chunkSize, Runnable release) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.chunks = dir.resolve("chunks");
        this.size = size;
        this.sha256 = sha256;
        this.chunkSize = chunkSize;
        this.release = release;
    }

    static StagedObject open(Path dir, long size, String sha256, long chunkSize, Runnable release) throws IOException {
        Files.createDirectories(dir);
        StagedObject staged = new StagedObject(dir, size, sha256, chunkSize, release);
        staged.load();
        return staged;
    }

    /** Bytes in verified chunks: where the next transfer continues. */
    long verified() {
        return Math.min(crcs.size() * chunkSize, size);
    }

    int verifiedChunks() {
        return crcs.size();
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

    private void resetFiles(String newValidator) throws IOException {
        crcs.clear();
        chunkLog.truncate(0);
        dataChannel.truncate(0);
        pending = 0;
        crc.reset();
        validator = newValidator;
        if (resumable()) {
            chunkLog.force(false);
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
        return size > chunkSize;
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
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, n);
                long position = start + pending;
                while (buffer.hasRemaining()) {
                    position += dataChannel.write(buffer, position);
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

    /** Drops the bytes of an unfinished chunk (after a failed transfer): the next one continues at {@link #verified()}. */
    void rewind() throws DownloadException {
        try {
            dataChannel.truncate(verified());
            pending = 0;
            crc.reset();
        } catch (IOException e) {
            throw storage("cannot rewind the staging", e);
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
            StagingArea.deleteTree(dir);
        } catch (IOException ignored) {
            // swept later by age
        }
        unlock();
    }

    /** Keeps the verified chunks for the next attempt (or deletes the staging if there are none) and unlocks it. */
    void keep() {
        if (verified() == 0) {
            discard();
            return;
        }
        try {
            rewind();
        } catch (DownloadException ignored) {
            // a longer data file is cut back to the verified prefix when it is opened again
        }
        closeChannels();
        unlock();
    }

    private void seal() throws IOException {
        if (resumable()) {
            dataChannel.force(false);
            ByteBuffer record = ByteBuffer.allocate(RECORD).putInt(crcs.size()).putInt((int) crc.getValue()).flip();
            long position = (long) crcs.size() * RECORD;
            while (record.hasRemaining()) {
                position += chunkLog.write(record, position);
            }
            chunkLog.force(false);
        }
        crcs.add((int) crc.getValue());
        pending = 0;
        crc.reset();
    }

    private void load() throws IOException {
        StagingManifest found = StagingManifest.read(dir);
        dataChannel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        chunkLog = FileChannel.open(chunks, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
        long maxChunks = (size + chunkSize - 1) / chunkSize;
        ByteBuffer log = ByteBuffer.allocate((int) Math.min(chunkLog.size(), maxChunks * RECORD));
        while (log.hasRemaining() && chunkLog.read(log, log.position()) > 0) {
            // positional reads until full
        }
        log.flip();
        while (log.remaining() >= RECORD && log.getInt() == crcs.size()) {
            crcs.add(log.getInt()); // a torn or foreign record ends the list
        }
    }

    /** Re-reads the recorded chunks: each must match its CRC; their bytes start the whole-file SHA-256. */
    private void verifyPrefix() throws IOException {
        int good = 0;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunkSize, 1 << 20));
        for (int i = 0; i < crcs.size(); i++) {
            long start = i * chunkSize;
            long end = Math.min(start + chunkSize, size);
            MessageDigest before = Hashing.copy(prefixDigest);
            crc.reset();
            long position = start;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = dataChannel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                buffer.flip();
                crc.update(buffer.duplicate());
                prefixDigest.update(buffer);
            }
            if (position < end || (int) crc.getValue() != crcs.get(i)) {
                prefixDigest = before;
                break;
            }
            good++;
        }
        crc.reset();
        if (good < crcs.size()) {
            crcs.subList(good, crcs.size()).clear();
            chunkLog.truncate((long) good * RECORD);
            chunkLog.force(false);
        }
        dataChannel.truncate(verified());
    }

    private void writeManifest() throws IOException {
        new StagingManifest(size, sha256, chunkSize, validator).write(dir);
    }

    private void closeChannels() {
        for (FileChannel channel : new FileChannel[] {dataChannel, chunkLog}) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
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
