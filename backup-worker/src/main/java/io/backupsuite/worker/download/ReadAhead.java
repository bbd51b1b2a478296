package io.backupsuite.worker.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Reads a body ahead of its consumer: a reader thread fills a small ring of large buffers from the
 * network and hashes each (the {@code onRead} hook) while the transfer's own thread writes the
 * buffers filled before. With two cores, receiving + SHA-256 and the disk write run side by side
 * instead of taking turns (measured: hashing and writing on one thread made it the bottleneck).
 *
 * <p>The reader stops at the end of the stream, at its first failure (handed to the consumer after
 * the bytes that came before it), or one byte past {@code limit}, so a source that sends too much is
 * cut off at once. {@link #close()} aborts a blocked read through {@code abort} (which closes the
 * connection) and returns only when the reader has exited: no reader outlives its transfer.
 *
 * <p>Memory is {@code buffers × bufferSize} per transfer, whatever the size of the body.
 */
public final class ReadAhead implements AutoCloseable {

    /** {@code length} bytes of {@code bytes}; give it back with {@link #release(Chunk)}. */
    public record Chunk(byte[] bytes, int length) {}

    private static final Object END = new Object();
    private static final byte[] STOP = new byte[0];

    private final InputStream body;
    private final long limit;
    private final Runnable abort;
    private final OnRead onRead;
    private final BlockingQueue<byte[]> free;
    // chunks in order, then END or the reader's IOException: never more than buffers + 1 entries
    private final BlockingQueue<Object> filled;
    private volatile boolean closed;
    private IOException pending; // reader thread only
    private boolean exited;
    private boolean ended;

    /** Work done on the reader thread on each chunk before it is handed over (hashing). */
    @FunctionalInterface
    public interface OnRead {
        void accept(byte[] bytes, int length) throws Exception;
    }

    private ReadAhead(InputStream body, long limit, int buffers, int bufferSize, OnRead onRead, Runnable abort) {
        this.body = body;
        this.onRead = onRead;
        this.limit = limit;
        this.abort = abort;
        this.free = new ArrayBlockingQueue<>(buffers + 1);
        this.filled = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
    }

    /**
     * Starts reading {@code body} on a thread of {@code executor}, which must run it at once (a
     * cached pool, not a queue), or on the calling thread ({@code Runnable::run}) when the body fits
     * in one buffer (then the whole body is read before this returns). {@code abort} must make a blocked {@code body.read} fail.
     */
    public static ReadAhead start(
            InputStream body, long limit, int buffers, int bufferSize, OnRead onRead, Runnable abort, Executor executor) {
        ReadAhead readAhead = new ReadAhead(body, limit, buffers, bufferSize, onRead, abort);
        executor.execute(readAhead::read);
        return readAhead;
    }

    /** The next bytes in order, or {@code null} at the end; throws what the reader or {@code onRead} ran into. */
    public Chunk next() throws Exception {
        if (ended) {
            return null;
        }
        Object next = filled.take();
        if (next instanceof Chunk chunk) {
            return chunk;
        }
        ended = true;
        if (next instanceof Exception e) {
            throw e;
        }
        return null;
    }

    /** Hands a consumed buffer back to the reader. */
    public void release(Chunk chunk) {
        free.add(chunk.bytes());
    }

    /** Stops the reader if it still runs (aborting a blocked read) and waits until it has exited. */
    @Override
    public void close() {
        if (!hasExited()) {
            closed = true;
            free.offer(STOP); // wakes a reader waiting for a free buffer (there is room: it holds none)
            abort.run(); // ends a read blocked on the socket
        }
        awaitExit();
    }

    private void read() {
        long total = 0;
        try {
            while (!closed) {
                byte[] buffer = free.take();
                if (buffer == STOP) {
                    break;
                }
                int max = (int) Math.min(buffer.length, limit - total + 1);
                int n = fill(buffer, max);
                total += n;
                if (n > 0) {
                    onRead.accept(buffer, n);
                    filled.add(new Chunk(buffer, n));
                } else {
                    free.add(buffer);
                }
                if (pending != null) {
                    throw pending; // after the bytes that came before it
                }
                if (n < max || total > limit) {
                    break; // the stream ended, or it sent more than allowed (the consumer sees how much)
                }
            }
            filled.add(END);
        } catch (InterruptedException e) {
            // the executor is shutting down; the consumer, if any, is stopped by close()
            filled.add(new InterruptedIOException("reader interrupted"));
        } catch (Exception e) {
            filled.add(e);
        } catch (Error e) {
            filled.add(new IllegalStateException("reader failed", e));
            throw e;
        } finally {
            exited();
        }
    }

    /**
     * Reads until the buffer holds {@code max} bytes or the stream ends. A failure after some bytes
     * is kept in {@code pending}, so those bytes are handed over (and counted) before it.
     */
    private int fill(byte[] buffer, int max) throws IOException {
        int n = 0;
        try {
            while (n < max) {
                int r = body.read(buffer, n, max - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            if (n == 0) {
                throw e;
            }
            pending = e;
            return n;
        }
        return n;
    }

    private synchronized boolean hasExited() {
        return exited;
    }

    private synchronized void exited() {
        exited = true;
        notifyAll();
    }

    private synchronized void awaitExit() {
        boolean interrupted = false;
        while (!exited) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the reader exits soon after the abort; keep the promise of close()
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
