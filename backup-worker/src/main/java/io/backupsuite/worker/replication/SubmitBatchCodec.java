package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ServiceHandler;
import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.state.CatalogOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary bodies of a batch of forwarded writes, a request type on the replication sockets: the request is a
 * count and, per write, the encoded operation (length-prefixed) and the bytes of its blob inline (length-prefixed,
 * -1 for none: large blobs, or a budget spent) so that the primary holds them without asking back; the answer has one outcome per operation, in order: committed (with
 * {@link CommittedCodec}'s bytes), not the primary (with the primary it knows, or empty), or failed
 * (with a message).
 */
final class SubmitBatchCodec {

    /** The request type on the replication sockets. */
    static final byte REQUEST_TYPE = ServiceHandler.FIRST_TYPE + 1;
    /** Most operations in one batch. */
    static final int MAX_OPS = 256;
    /** Largest blob sent inline with its write. */
    static final int MAX_INLINE_BLOB = 64 << 10;
    /** Most inline blob bytes in one batch (well below the socket protocol's frame limit). */
    static final int MAX_INLINE_BYTES = 4 << 20;
    private static final int NO_CONTENT = -1;

    /** One forwarded write and, when it came inline, its blob's bytes (otherwise {@code null}). */
    record Forwarded(CatalogOp op, byte[] content) {}

    static final byte COMMITTED = 0;
    static final byte NOT_PRIMARY = 1;
    static final byte FAILED = 2;

    /** One operation's outcome: {@code committed} when it committed, otherwise {@code kind} and {@code text}. */
    record Outcome(byte kind, Committed committed, String text) {
        static Outcome of(Committed c) {
            return new Outcome(COMMITTED, c, "");
        }
    }

    private SubmitBatchCodec() {}

    static byte[] encodeRequest(List<Forwarded> writes) {
        var bytes = new ByteArrayOutputStream(writes.size() * 300);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(writes.size());
            for (Forwarded w : writes) {
                byte[] encoded = w.op().encode();
                out.writeInt(encoded.length);
                out.write(encoded);
                out.writeInt(w.content() == null ? NO_CONTENT : w.content().length);
                if (w.content() != null) {
                    out.write(w.content());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The writes of a request; {@link IllegalArgumentException} when it is malformed or breaks a limit. */
    static List<Forwarded> decodeRequest(byte[] body) {
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readInt();
            if (n < 1 || n > MAX_OPS) {
                throw new IllegalArgumentException("a batch holds 1 to " + MAX_OPS + " operations, not " + n);
            }
            List<Forwarded> writes = new ArrayList<>(n);
            long inline = 0;
            for (int i = 0; i < n; i++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("operation " + i + " is truncated");
                }
                CatalogOp op = CatalogOp.decode(in.readNBytes(length));
                int contentLength = in.readInt();
                byte[] content = null;
                if (contentLength != NO_CONTENT) {
                    if (op.kind() != CatalogOp.PUT || contentLength != op.size() || contentLength > MAX_INLINE_BLOB) {
                        throw new IllegalArgumentException("operation " + i + " carries " + contentLength + " inline bytes; only a put's blob of at most "
                                + MAX_INLINE_BLOB + " bytes, its exact size, may come inline");
                    }
                    inline += contentLength;
                    if (inline > MAX_INLINE_BYTES || contentLength > in.available()) {
                        throw new IllegalArgumentException(inline > MAX_INLINE_BYTES ? "more than " + MAX_INLINE_BYTES + " inline bytes"
                                : "the blob of operation " + i + " is truncated");
                    }
                    content = in.readNBytes(contentLength);
                }
                writes.add(new Forwarded(op, content));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("bytes after the last operation");
            }
            return writes;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated batch", e);
        }
    }

    static byte[] encodeOutcomes(List<Outcome> outcomes) {
        var bytes = new ByteArrayOutputStream(outcomes.size() * 200);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(outcomes.size());
            for (Outcome o : outcomes) {
                out.writeByte(o.kind());
                if (o.kind() == COMMITTED) {
                    byte[] committed = CommittedCodec.encode(o.committed());
                    out.writeInt(committed.length);
                    out.write(committed);
                } else {
                    out.writeUTF(o.text().length() > 1000 ? o.text().substring(0, 1000) : o.text());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<Outcome> decodeOutcomes(byte[] body) throws IOException {
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readInt();
            List<Outcome> outcomes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte kind = in.readByte();
                if (kind == COMMITTED) {
                    outcomes.add(Outcome.of(CommittedCodec.decode(in.readNBytes(in.readInt()))));
                } else {
                    outcomes.add(new Outcome(kind, null, in.readUTF()));
                }
            }
            return outcomes;
        }
    }
}
