package io.backupsuite.worker.limits;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Refuses a transfer that would leave the data directory below its free-space threshold, counting
 * the bytes that running transfers have reserved but not written yet. A transfer reserves its whole
 * size when it starts and releases it when it ends (its bytes are on the disk by then, so the free
 * space shows them): the check errs on the safe side while bytes are both written and reserved.
 */
final class DiskGuard {

    private final LongSupplier usableSpace;
    private volatile long threshold;
    private long reserved;

    DiskGuard(LongSupplier usableSpace, long threshold) {
        this.usableSpace = usableSpace;
        this.threshold = threshold;
    }

    /**
     * Usable space of the filesystem that holds {@code dir} (0 when it cannot be read: then nothing
     * passes). Each call reads it afresh (one statvfs); the file store is looked up once, because
     * that parses the mount table (a profile of small files put it at 4 % of a worker's CPU).
     */
    static LongSupplier usableSpaceOf(Path dir) {
        AtomicReference<FileStore> found = new AtomicReference<>();
        return () -> {
            try {
                FileStore store = found.get();
                if (store == null) {
                    Files.createDirectories(dir);
                    store = Files.getFileStore(dir);
                    found.set(store);
                }
                return store.getUsableSpace();
            } catch (IOException e) {
                found.set(null); // looked up again next time (the directory may have been replaced)
                return 0;
            }
        };
    }

    long threshold() {
        return threshold;
    }

    void threshold(long bytes) {
        threshold = bytes;
    }

    long free() {
        return usableSpace.getAsLong();
    }

    synchronized long reserved() {
        return reserved;
    }

    /** Whether new work is accepted at all (room for an empty object). */
    boolean accepting() {
        return headroom(0) >= 0;
    }

    synchronized Permit reserve(long bytes) throws LimitException {
        long free = free();
        if (free - reserved - bytes < threshold) {
            throw LimitException.diskFull(bytes, free, reserved, threshold);
        }
        reserved += bytes;
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                release(bytes);
            }
        };
    }

    private synchronized long headroom(long bytes) {
        return free() - reserved - bytes - threshold;
    }

    private synchronized void release(long bytes) {
        reserved -= bytes;
    }
}
