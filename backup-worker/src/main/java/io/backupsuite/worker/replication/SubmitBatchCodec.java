package io.backupsuite.worker.replication;

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
 * Binary bodies of a batch of forwarded writes: the request is a count and the encoded operations
 * (each length-prefixed); the answer has one outcome per operation, in order: committed (with
 * {@link CommittedCodec}'s bytes), not the primary (with the primary it knows, or empty), or failed
 * (with a message).
 */
final class SubmitBatchCodec {

    /** Most operations in one batch. */
    static final int MAX_OPS = 256;

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

    static byte[] encodeOps(List<CatalogOp> ops) {
        var bytes = new ByteArrayOutputStream(ops.size() * 300);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(ops.size());
            for (CatalogOp op : ops) {
                byte[] encoded = op.encode();
                out.writeInt(encoded.length);
                out.write(encoded);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The operations of a request; {@link IllegalArgumentException} when it is malformed. */
    static List<CatalogOp> decodeOps(byte[] body) {
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readInt();
            if (n < 1 || n > MAX_OPS) {
                throw new IllegalArgumentException("a batch holds 1 to " + MAX_OPS + " operations, not " + n);
            }
            List<CatalogOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("operation " + i + " is truncated");
                }
                ops.add(CatalogOp.decode(in.readNBytes(length)));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("bytes after the last operation");
            }
            return ops;
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
