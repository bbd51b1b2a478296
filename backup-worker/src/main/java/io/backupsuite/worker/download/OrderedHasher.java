package io.backupsuite.worker.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The whole-file SHA-256 of a chunked transfer, on its own thread: it hashes the staged chunks in
 * order as they are sealed, reading them back from the page cache, so the hash never holds up the
 * connections that fetch chunks out of order. Memory: one buffer.
 */
final class OrderedHasher {

    private final StagedObject staged;
    private final MessageDigest digest;
    private final int bufferSize;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private volatile boolean stopped;
    private long position;

    private OrderedHasher(StagedObject staged, long from, MessageDigest state, int bufferSize) {
        this.staged = staged;
        this.position = from;
        this.digest = state;
        this.bufferSize = bufferSize;
    }

    /** Starts hashing at {@code from} (a chunk boundary) with {@code state}, the digest of the bytes before it. */
    static OrderedHasher start(StagedObject staged, long from, MessageDigest state, int bufferSize, Executor executor) {
        OrderedHasher hasher = new OrderedHasher(staged, from, state, bufferSize);
        executor.execute(hasher::run);
        return hasher;
    }

    /** Hashes the whole staged content on the calling thread (every chunk is sealed). */
    static String now(StagedObject staged, int bufferSize) throws DownloadException {
        OrderedHasher hasher = new OrderedHasher(staged, 0, Hashing.sha256(), bufferSize);
        hasher.stopped = true; // nothing to wait for: a chunk that is not sealed ends it
        hasher.run();
        return hasher.await();
    }

    /** The lowercase hex SHA-256 once every chunk is hashed. */
    String await() throws DownloadException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", 0);
        } catch (ExecutionException e) {
            throw DownloadException.of(ErrorKind.STORAGE, "cannot read the staging back: " + e.getCause(), 0);
        }
    }

    /** Stops waiting for chunks (the transfer ends without them). */
    void stop() {
        stopped = true;
        synchronized (staged) {
            staged.notifyAll();
        }
    }

    private void run() {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
            while (position < staged.size()) {
                int index = (int) (position / staged.chunkSize());
                if (!awaitSealed(index)) {
                    throw new IOException("chunk " + index + " is not staged");
                }
                long end = Math.min(staged.size(), (index + 1) * staged.chunkSize());
                while (position < end) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                    int n = staged.readAt(buffer, position);
                    if (n <= 0) {
                        throw new IOException("staged chunk " + index + " is shorter than it was when sealed");
                    }
                    digest.update(buffer.array(), 0, n);
                    position += n;
                }
            }
            result.complete(HexFormat.of().formatHex(digest.digest()));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private boolean awaitSealed(int index) {
        synchronized (staged) {
            while (!staged.isSealed(index)) {
                if (stopped) {
                    return false;
                }
                try {
                    staged.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
