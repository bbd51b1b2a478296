package io.backupsuite.worker.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Bytes of one transfer on their way into the store: written to a temp file and hashed as they
 * arrive. Nothing here is visible as a blob until {@link #commit()}; {@link #close()} deletes the
 * temp file unless it was committed. Not thread-safe; one transfer may split {@link #hash} and
 * {@link #append} across two threads as described there.
 */
public final class StagedBlob implements AutoCloseable {

    /** Bytes written between two background flushes. */
    static final long WRITEBACK_BYTES = 32L << 20;
    private static final Executor WRITEBACK = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "blob-writeback");
        t.setDaemon(true);
        return t;
    });

    private final BlobStore store;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private long size;
    private long hashed;
    private String sha256;
    private final Runnable onClose;
    private final byte[] inMemory; // a verified small object's content, committed into a pack; else null
    private boolean closed;
    private long unflushed;
    private CompletableFuture<Void> writeback = CompletableFuture.completedFuture(null);

    StagedBlob(BlobStore store, Path file, FileChannel channel) {
        this(store, file, channel, () -> {});
    }

    private StagedBlob(BlobStore store, Path file, FileChannel channel, Runnable onClose) {
        this(store, file, channel, onClose, null);
    }

    private StagedBlob(BlobStore store, Path file, FileChannel channel, Runnable onClose, byte[] inMemory) {
        this.inMemory = inMemory;
        this.store = store;
        this.file = file;
        this.channel = channel;
        this.onClose = onClose;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file that is already complete and verified elsewhere: only commit or close remain. */
    static StagedBlob finished(BlobStore store, Path file, FileChannel channel, long size, String sha256, Runnable onClose) {
        StagedBlob blob = new StagedBlob(store, file, channel, onClose);
        blob.size = size;
        blob.hashed = size;
        blob.sha256 = sha256;
        return blob;
    }

    /** A small object's content in memory, verified elsewhere: committing it puts it into a pack. */
    static StagedBlob inMemory(BlobStore store, byte[] content, String sha256, Runnable onClose) {
        StagedBlob blob = new StagedBlob(store, null, null, onClose, content);
        blob.size = content.length;
        blob.hashed = content.length;
        blob.sha256 = sha256;
        return blob;
    }

    /** Hashes and writes bytes. */
    public void write(byte[] bytes, int offset, int length) throws StorageException {
        hash(bytes, offset, length);
        append(bytes, offset, length);
    }

    /**
     * First half of {@link #write}: feeds bytes to the SHA-256. A transfer may hash on one thread
     * and {@link #append} on another, each in the order of the bytes, if the hashing thread hands
     * each buffer over only after hashing it; commit refuses a blob whose hashed and written byte
     * counts differ.
     */
    public void hash(byte[] bytes, int offset, int length) throws StorageException {
        if (sha256 != null) {
            throw StorageException.state("staged blob is already finished");
        }
        digest.update(bytes, offset, length);
        hashed += length;
    }

    /** Second half of {@link #write}: appends bytes to the temp file. */
    public void append(byte[] bytes, int offset, int length) throws StorageException {
        if (sha256 != null || closed) {
            throw StorageException.state("staged blob is already finished");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw StorageException.io("cannot write temp file", e);
        }
        size += length;
        unflushed += length;
        if (unflushed >= WRITEBACK_BYTES && writeback.isDone()) {
            unflushed = 0;
            writeback = CompletableFuture.runAsync(this::flushQuietly, WRITEBACK);
        }
    }

    private void flushQuietly() {
        try {
            channel.force(false);
        } catch (IOException ignored) {
            // closed meanwhile, or a disk error that the commit's own fsync reports
        }
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** SHA-256 of everything written; ends the writing. */
    public String sha256() {
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }

    /** Fsyncs and renames the temp file to its content address; a second copy of stored content is dropped. */
    public StoredBlob commit() throws StorageException {
        if (closed) {
            throw StorageException.state("staged blob is already closed");
        }
        if (hashed != size) {
            close();
            throw StorageException.state("hashed " + hashed + " bytes but wrote " + size);
        }
        try {
            return inMemory != null ? store.publishSmall(inMemory, sha256) : store.publish(file, channel, sha256(), size);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (inMemory != null) {
            onClose.run();
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing of it is kept
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover is removed when the store opens next time
        }
        onClose.run();
    }
}
