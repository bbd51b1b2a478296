package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.Outcome;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary encoding of the replication messages for network transports (big-endian, strings
 * as modified UTF-8). Decoding checks every count and length and throws
 * {@link IllegalArgumentException} for anything malformed, so a hostile body never reaches the log.
 */
public final class WireFormat {

    private static final int MAX_ENTRIES = 100_000;
    private static final int MAX_PAYLOAD = 1 << 20;

    private WireFormat() {}

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(int sizeHint, Writer writer) {
        var bytes = new ByteArrayOutputStream(sizeHint);
        try (var out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] body, Reader<T> reader) {
        if (body == null) {
            throw new IllegalArgumentException("empty body");
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            T value = reader.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after the message");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or malformed message", e);
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException("malformed message: " + e.getMessage(), e);
        }
    }

    private static void writeEntries(DataOutputStream out, List<LogEntry> entries) throws IOException {
        out.writeInt(entries.size());
        for (LogEntry e : entries) {
            out.writeLong(e.epoch());
            out.writeLong(e.seq());
            out.writeByte(e.type());
            out.writeInt(e.payload().length);
            out.write(e.payload());
        }
    }

    private static List<LogEntry> readEntries(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IllegalArgumentException("entry count out of range");
        }
        List<LogEntry> entries = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            long epoch = in.readLong();
            long seq = in.readLong();
            byte type = in.readByte();
            int length = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD || length > in.available()) {
                throw new IllegalArgumentException("payload length out of range");
            }
            entries.add(new LogEntry(epoch, seq, type, in.readNBytes(length)));
        }
        return entries;
    }

    public static byte[] encode(AppendRequest r) {
        return encode(64 + r.entries().size() * 300, out -> {
            out.writeLong(r.epoch());
            out.writeUTF(r.primaryId());
            out.writeLong(r.prevSeq());
            out.writeLong(r.prevEpoch());
            out.writeLong(r.commitSeq());
            writeEntries(out, r.entries());
        });
    }

    public static AppendRequest appendRequest(byte[] body) {
        return decode(body, in -> new AppendRequest(in.readLong(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(), readEntries(in)));
    }

    public static byte[] encode(AppendReply r) {
        return encode(64, out -> {
            out.writeLong(r.epoch());
            out.writeByte(r.outcome().ordinal());
            out.writeLong(r.matchSeq());
            out.writeLong(r.lastSeq());
            out.writeUTF(r.reason() == null ? "" : r.reason().length() > 1000 ? r.reason().substring(0, 1000) : r.reason());
        });
    }

    public static AppendReply appendReply(byte[] body) {
        return decode(body, in -> {
            long epoch = in.readLong();
            int outcome = in.readUnsignedByte();
            if (outcome >= Outcome.values().length) {
                throw new IllegalArgumentException("unknown outcome");
            }
            return new AppendReply(epoch, Outcome.values()[outcome], in.readLong(), in.readLong(), in.readUTF());
        });
    }

    public static byte[] encode(PromiseRequest r) {
        return encode(32, out -> {
            out.writeLong(r.epoch());
            out.writeUTF(r.candidateId());
        });
    }

    public static PromiseRequest promiseRequest(byte[] body) {
        return decode(body, in -> new PromiseRequest(in.readLong(), in.readUTF()));
    }

    public static byte[] encode(PromiseReply r) {
        return encode(40, out -> {
            out.writeLong(r.epoch());
            out.writeBoolean(r.granted());
            out.writeLong(r.lastEpoch());
            out.writeLong(r.lastSeq());
            out.writeLong(r.commitSeq());
        });
    }

    public static PromiseReply promiseReply(byte[] body) {
        return decode(body, in -> new PromiseReply(in.readLong(), in.readBoolean(), in.readLong(), in.readLong(), in.readLong()));
    }

    public static byte[] encode(FetchRequest r) {
        return encode(40, out -> {
            out.writeLong(r.epoch());
            out.writeUTF(r.candidateId());
            out.writeLong(r.fromSeq());
            out.writeInt(r.max());
        });
    }

    public static FetchRequest fetchRequest(byte[] body) {
        return decode(body, in -> new FetchRequest(in.readLong(), in.readUTF(), in.readLong(), in.readInt()));
    }

    public static byte[] encode(FetchReply r) {
        return encode(64 + r.entries().size() * 300, out -> {
            out.writeLong(r.epoch());
            out.writeBoolean(r.ok());
            out.writeLong(r.lastSeq());
            out.writeUTF(r.reason() == null ? "" : r.reason());
            writeEntries(out, r.entries());
        });
    }

    public static FetchReply fetchReply(byte[] body) {
        return decode(body, in -> {
            long epoch = in.readLong();
            boolean ok = in.readBoolean();
            long lastSeq = in.readLong();
            String reason = in.readUTF();
            return new FetchReply(epoch, ok, lastSeq, readEntries(in), reason);
        });
    }

    public static byte[] encode(Messages.SnapshotChunk c) {
        return encode(4096, out -> {
            out.writeLong(c.epoch());
            out.writeUTF(c.primaryId());
            out.writeLong(c.snapshotSeq());
            out.writeLong(c.snapshotEpoch());
            out.writeBoolean(c.first());
            out.writeBoolean(c.last());
            out.writeInt(c.keys().size());
            for (int i = 0; i < c.keys().size(); i++) {
                out.writeUTF(c.keys().get(i));
                out.writeInt(c.values().get(i).length);
                out.write(c.values().get(i));
            }
            out.writeInt(c.annulled().size());
            for (long[] r : c.annulled()) {
                out.writeLong(r[0]);
                out.writeLong(r[1]);
                out.writeLong(r[2]);
            }
        });
    }

    public static Messages.SnapshotChunk snapshotChunk(byte[] body) {
        return decode(body, in -> {
            long epoch = in.readLong();
            String primary = in.readUTF();
            long seq = in.readLong();
            long snapshotEpoch = in.readLong();
            boolean first = in.readBoolean();
            boolean last = in.readBoolean();
            int n = in.readInt();
            if (n < 0 || n > MAX_ENTRIES) {
                throw new IllegalArgumentException("record count out of range");
            }
            List<String> keys = new ArrayList<>(Math.min(n, 4096));
            List<byte[]> values = new ArrayList<>(Math.min(n, 4096));
            for (int i = 0; i < n; i++) {
                keys.add(in.readUTF());
                int length = in.readInt();
                if (length < 0 || length > MAX_PAYLOAD || length > in.available()) {
                    throw new IllegalArgumentException("record length out of range");
                }
                values.add(in.readNBytes(length));
            }
            int ranges = in.readInt();
            if (ranges < 0 || ranges > MAX_ENTRIES) {
                throw new IllegalArgumentException("range count out of range");
            }
            List<long[]> annulled = new ArrayList<>();
            for (int i = 0; i < ranges; i++) {
                annulled.add(new long[] {in.readLong(), in.readLong(), in.readLong()});
            }
            return new Messages.SnapshotChunk(epoch, primary, seq, snapshotEpoch, first, last, keys, values, annulled);
        });
    }
}
