package io.backupsuite.catalog.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the catalog holds for one object key.
 *
 * @param key the object key
 * @param version increases when the content changes; the same content keeps it
 * @param sha256 content hash
 * @param size content length
 * @param storedAtMillis when this version was first recorded (primary's clock)
 * @param holders nodes that hold the blob
 * @param seq log entry that last changed the record
 */
public record CatalogRecord(String key, long version, String sha256, long size, long storedAtMillis, List<String> holders, long seq) {

    public CatalogRecord {
        holders = List.copyOf(holders);
    }

    /** The record after applying a put of {@code op} at {@code seq}. */
    static CatalogRecord afterPut(CatalogRecord current, CatalogOp op, long seq) {
        if (current == null) {
            return new CatalogRecord(op.key(), 1, op.sha256(), op.size(), op.atMillis(), List.of(op.holder()), seq);
        }
        if (current.sha256.equals(op.sha256())) {
            if (current.holders.contains(op.holder())) {
                return current;
            }
            var more = new ArrayList<>(current.holders);
            more.add(op.holder());
            return new CatalogRecord(current.key, current.version, current.sha256, current.size, current.storedAtMillis, more, seq);
        }
        return new CatalogRecord(op.key(), current.version + 1, op.sha256(), op.size(), op.atMillis(), List.of(op.holder()), seq);
    }

    byte[] encode() {
        var bytes = new ByteArrayOutputStream(128);
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(version);
            out.write(HexFormat.of().parseHex(sha256));
            out.writeLong(size);
            out.writeLong(storedAtMillis);
            out.writeLong(seq);
            out.writeShort(holders.size());
            for (String h : holders) {
                out.writeUTF(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a record stored under {@code key} (as sent in snapshots). */
    public static CatalogRecord decode(String key, byte[] bytes) {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            long version = in.readLong();
            String sha = HexFormat.of().formatHex(in.readNBytes(32));
            long size = in.readLong();
            long at = in.readLong();
            long seq = in.readLong();
            int n = in.readUnsignedShort();
            List<String> holders = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                holders.add(in.readUTF());
            }
            return new CatalogRecord(key, version, sha, size, at, holders, seq);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
