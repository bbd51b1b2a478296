package io.backupsuite.worker.catalog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One journal record: a catalog entry as it became durable, with the sequence number of the write.
 *
 * <p>On disk: {@code int length, int crc32(payload), payload}; the payload is {@code byte type
 * (1 = put), long seq, long version, UTF objectKey, 32 bytes sha256, long size, long storedAtMillis,
 * short holderCount, UTF holder...}, big-endian. The record holds the key's whole state, so replay
 * is last-write-wins per key and the M1 log can ship the same payload to standbys.
 */
record JournalRecord(long seq, CatalogEntry entry) {

    static final int HEADER = 8;
    static final int MAX_PAYLOAD = 1 << 20;
    private static final byte PUT = 1;

    byte[] encode() {
        var bytes = new ByteArrayOutputStream(128);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(0);
            out.writeInt(0);
            out.writeByte(PUT);
            out.writeLong(seq);
            out.writeLong(entry.version());
            out.writeUTF(entry.objectKey());
            out.write(HexFormat.of().parseHex(entry.sha256()));
            out.writeLong(entry.size());
            out.writeLong(entry.storedAt().toEpochMilli());
            out.writeShort(entry.holders().size());
            for (String holder : entry.holders()) {
                out.writeUTF(holder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] record = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(record, HEADER, record.length - HEADER);
        ByteBuffer.wrap(record).putInt(record.length - HEADER).putInt((int) crc.getValue());
        return record;
    }

    /** Whether a payload read from disk matches its stored checksum. */
    static boolean intact(byte[] payload, int storedCrc) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue() == storedCrc;
    }

    static JournalRecord decode(byte[] payload) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(payload));
        byte type = in.readByte();
        if (type != PUT) {
            throw new IOException("unknown record type " + type);
        }
        long seq = in.readLong();
        long version = in.readLong();
        String key = in.readUTF();
        byte[] sha = in.readNBytes(32);
        long size = in.readLong();
        long storedAt = in.readLong();
        int count = in.readUnsignedShort();
        List<String> holders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            holders.add(in.readUTF());
        }
        var entry = new CatalogEntry(key, version, HexFormat.of().formatHex(sha), size, Instant.ofEpochMilli(storedAt), holders);
        return new JournalRecord(seq, entry);
    }
}
