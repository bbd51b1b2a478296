package io.backupsuite.worker.replication;

import io.backupsuite.worker.store.BlobStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The batch form of the blob endpoint: a standby that must hold many small blobs before it answers
 * ready for one append asks their holder for all of them in one request instead of one request per
 * blob (on a 2-core machine the per-request cost of HTTP and security filters dominates for 4 KiB
 * blobs). The request names blobs as lines of SHA-256 hex; the answer is, per name in order, the
 * blob's size as a big-endian long followed by its bytes, or -1 when this node does not hold it.
 * Only small blobs go this way, so a whole answer fits in memory; larger ones keep the streaming GET.
 */
final class BlobBatch {

    /** Largest blob a batch carries. */
    static final long MAX_BLOB_BYTES = 1L << 20;
    /** Most names in one request. */
    static final int MAX_NAMES = 256;
    /** Most blob bytes in one answer. */
    static final long MAX_BYTES = 8L << 20;
    static final long NOT_HELD = -1;

    private BlobBatch() {}

    /** The answer for the named blobs; a blob past the limits is answered as not held (the asker falls back to a GET). */
    static byte[] answer(BlobStore store, List<String> names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        long total = 0;
        for (String name : names) {
            Optional<Path> file = store.path(name);
            long size = file.isPresent() ? Files.size(file.get()) : NOT_HELD;
            if (size > MAX_BLOB_BYTES || total + Math.max(0, size) > MAX_BYTES) {
                size = NOT_HELD;
            }
            out.writeLong(size);
            if (size >= 0) {
                byte[] content = Files.readAllBytes(file.get()); // immutable once stored: the size read above still holds
                if (content.length != size) {
                    throw new IOException("blob " + name + " changed size while it was read");
                }
                out.write(content);
                total += size;
            }
        }
        out.flush();
        return bytes.toByteArray();
    }
}
