package io.backupsuite.catalog.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A catalog operation, the payload of an operation entry of the log.
 *
 * @param kind {@link #PUT} (store an object version) or {@link #DELETE}
 * @param key the object key
 * @param sha256 content hash (64 lowercase hex) for a put, empty for a delete
 * @param size content length for a put
 * @param holder id of the node that holds the blob, for a put
 * @param atMillis when the primary sequenced the operation (the version's storedAt)
 */
public record CatalogOp(byte kind, String key, String sha256, long size, String holder, long atMillis) {

    public static final byte PUT = 1;
    public static final byte DELETE = 2;
    public static final int MAX_KEY_BYTES = 4096;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public CatalogOp {
        if (kind != PUT && kind != DELETE) {
            throw new IllegalArgumentException("unknown operation kind " + kind);
        }
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("object key must be 1.." + MAX_KEY_BYTES + " bytes");
        }
        if (kind == PUT && (sha256 == null || !SHA256.matcher(sha256).matches())) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex characters");
        }
        if (kind == PUT && (size < 0 || holder == null || holder.isBlank() || holder.length() > 256)) {
            throw new IllegalArgumentException("size must not be negative and the holder must be named");
        }
        sha256 = sha256 == null ? "" : sha256;
        holder = holder == null ? "" : holder;
    }

    public static CatalogOp put(String key, String sha256, long size, String holder, long atMillis) {
        return new CatalogOp(PUT, key, sha256, size, holder, atMillis);
    }

    public static CatalogOp delete(String key, long atMillis) {
        return new CatalogOp(DELETE, key, "", 0, "", atMillis);
    }

    /** The same operation stamped with the primary's time. */
    public CatalogOp at(long millis) {
        return new CatalogOp(kind, key, sha256, size, holder, millis);
    }

    public byte[] encode() {
        var bytes = new ByteArrayOutputStream(96 + key.length());
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeUTF(key);
            if (kind == PUT) {
                out.write(HexFormat.of().parseHex(sha256));
                out.writeLong(size);
                out.writeUTF(holder);
            }
            out.writeLong(atMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a payload; a malformed one is an {@link IllegalArgumentException}. */
    public static CatalogOp decode(byte[] payload) {
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            String key = in.readUTF();
            if (kind == PUT) {
                String sha = HexFormat.of().formatHex(in.readNBytes(32));
                long size = in.readLong();
                String holder = in.readUTF();
                return new CatalogOp(kind, key, sha, size, holder, in.readLong());
            }
            return new CatalogOp(kind, key, "", 0, "", in.readLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed catalog operation", e);
        }
    }
}
