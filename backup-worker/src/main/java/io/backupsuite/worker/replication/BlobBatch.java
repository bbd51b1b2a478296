package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ServiceHandler;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.replication.BlobCommits.Received;
import io.backupsuite.worker.store.BlobContent;
import io.backupsuite.worker.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many small blobs in one request over the replication socket: a member that must hold the blobs of an append
 * (or of forwarded writes) asks their holder for all of them at once instead of one request per blob (on a
 * 2-core machine the per-request cost of HTTP dominated for 4 KiB blobs). The request names blobs as lines of
 * SHA-256 hex; the answer is, per name in order, the blob's size as a big-endian long followed by its bytes, or
 * -1 when this node does not hold it. Only small blobs go this way, so a whole answer fits in memory; larger
 * ones are streamed over HTTP ({@code GET /internal/v1/blobs/{sha256}}).
 */
final class BlobBatch {

    private static final Logger log = LoggerFactory.getLogger(BlobBatch.class);

    /** The request type on the replication sockets. */
    static final byte REQUEST_TYPE = ServiceHandler.FIRST_TYPE;
    /** Largest blob a batch carries. */
    static final long MAX_BLOB_BYTES = 1L << 20;
    /** Most names in one request. */
    static final int MAX_NAMES = 256;
    /** Most blob bytes in one answer. */
    static final long MAX_BYTES = 8L << 20;
    static final long NOT_HELD = -1;

    private BlobBatch() {}

    /** The holder's side: answers a request with the blobs {@code store} holds. */
    static ServiceHandler service(BlobStore store) {
        return request -> {
            try {
                return CompletableFuture.completedFuture(answer(store, names(request)));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    static byte[] request(List<CatalogOp> ops) {
        StringBuilder names = new StringBuilder(ops.size() * 65);
        ops.forEach(op -> names.append(op.sha256()).append('\n'));
        return names.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The names of a request; {@link IllegalArgumentException} when one is not a SHA-256 or there are too many or none. */
    static List<String> names(byte[] request) {
        List<String> names = new String(request, StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank()).toList();
        if (names.isEmpty() || names.size() > MAX_NAMES) {
            throw new IllegalArgumentException("name between 1 and " + MAX_NAMES + " blobs, one per line, not " + names.size());
        }
        for (String name : names) {
            if (!BlobStore.isName(name)) {
                throw new IllegalArgumentException("each blob name must be 64 lowercase hex characters");
            }
        }
        return names;
    }

    /** The answer for the named blobs; a blob past the limits is answered as not held (the asker falls back to a GET). */
    static byte[] answer(BlobStore store, List<String> names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        long total = 0;
        for (String name : names) {
            byte[] content = sendable(store, name, total);
            out.writeLong(content == null ? NOT_HELD : content.length);
            if (content != null) {
                out.write(content);
                total += content.length;
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * A blob's bytes when this node holds them, can read them and they fit the answer's limits;
     * otherwise {@code null}, answered as not held, so the asker turns to another member for that
     * blob alone (a damaged pack record must not fail the other blobs of the batch).
     */
    private static byte[] sendable(BlobStore store, String name, long total) {
        try {
            Optional<BlobContent> content = store.content(name);
            if (content.isEmpty() || content.get().size() > MAX_BLOB_BYTES || total + content.get().size() > MAX_BYTES) {
                return null;
            }
            return content.get().readAll();
        } catch (IOException e) {
            log.error("Blob {} cannot be read on this node; answered as not held: {}", name, e.getMessage());
            return null;
        }
    }

    /** The blobs an answer to {@link #request(List)} brought, in order; blobs the holder does not have are left out. */
    static List<Received> received(List<CatalogOp> asked, byte[] answer, String holder) throws IOException {
        List<Received> received = new ArrayList<>(asked.size());
        try (var in = new DataInputStream(new ByteArrayInputStream(answer))) {
            for (CatalogOp op : asked) {
                long size = in.readLong();
                if (size == NOT_HELD) {
                    continue;
                }
                if (size != op.size()) {
                    throw new IOException(holder + " sent " + size + " bytes for blob " + op.sha256() + " of " + op.size());
                }
                byte[] content = in.readNBytes((int) size);
                if (content.length != size) {
                    throw new IOException("the batch from " + holder + " ended early");
                }
                received.add(new Received(op, content));
            }
        }
        return received;
    }
}
