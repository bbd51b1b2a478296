package io.backupsuite.worker.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Group commit of directory fsyncs. Each caller has renamed its file into a directory and must
 * not return before that directory entry is durable. Callers that arrive while a batch is being
 * synced queue up in the next batch; the first of them to find the syncer free becomes its leader,
 * fsyncs every distinct directory of the batch once and releases all its members. No timer: a lone
 * caller syncs at once, and batches grow exactly as large as the concurrency that is there.
 */
final class DirectorySync {

    /** Directories waiting for one fsync, and the outcome their callers wait for. */
    private static final class Batch {
        final Set<Path> directories = new LinkedHashSet<>();
        int members;
        boolean done;
        IOException failure;
    }

    private final Object lock = new Object();
    private final boolean batched;
    private final IntConsumer batchSizes;
    private Batch open = new Batch();
    private boolean syncing;

    /** {@code batched = false} fsyncs each caller's directories on its own thread (the per-file baseline). */
    DirectorySync(boolean batched, IntConsumer batchSizes) {
        this.batched = batched;
        this.batchSizes = batchSizes;
    }

    /** Returns once every directory given is durable (fsynced after this call began). */
    void sync(Set<Path> directories) throws IOException {
        if (!batched) {
            for (Path dir : directories) {
                fsync(dir);
            }
            return;
        }
        Batch mine;
        synchronized (lock) {
            mine = open;
            mine.directories.addAll(directories);
            mine.members++;
            while (!mine.done && syncing) {
                waitFor();
            }
            if (mine.done) {
                rethrow(mine);
                return;
            }
            syncing = true; // leader of this batch: later callers go into the next one
            open = new Batch();
        }
        batchSizes.accept(mine.members);
        IOException failure = null;
        try {
            for (Path dir : mine.directories) {
                fsync(dir);
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                mine.done = true;
                mine.failure = failure;
                syncing = false;
                lock.notifyAll();
            }
        }
        rethrow(mine);
    }

    private void waitFor() throws IOException {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a directory fsync", e);
        }
    }

    private static void rethrow(Batch batch) throws IOException {
        if (batch.failure != null) {
            throw new IOException("directory fsync failed: " + batch.failure.getMessage(), batch.failure);
        }
    }

    static void fsync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
