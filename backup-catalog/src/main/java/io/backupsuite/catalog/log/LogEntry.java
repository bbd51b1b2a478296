package io.backupsuite.catalog.log;

import java.util.zip.CRC32C;

/**
 * One entry of the replicated log, identified by (epoch, seq): the primary of {@code epoch}
 * assigned it sequence number {@code seq}. Two entries with the same (epoch, seq) are the same entry.
 *
 * @param epoch the primary's epoch (term) when it assigned the number
 * @param seq position in the log, 1-based and gap-free
 * @param type what the payload is ({@link EntryType})
 * @param payload the operation's bytes, opaque to the log
 */
public record LogEntry(long epoch, long seq, byte type, byte[] payload) {

    /** Bytes of an entry on disk besides its payload: length, CRC, epoch, seq, type. */
    public static final int OVERHEAD = 4 + 4 + 8 + 8 + 1;

    public LogEntry {
        if (epoch < 0 || seq < 1 || payload == null) {
            throw new IllegalArgumentException("an entry needs epoch >= 0, seq >= 1 and a payload");
        }
    }

    /** Size of the entry on disk. */
    public int diskSize() {
        return OVERHEAD + payload.length;
    }

    /** Checksum of the entry's content (used to compare committed logs). */
    public int checksum() {
        CRC32C crc = new CRC32C();
        crc.update(java.nio.ByteBuffer.allocate(17).putLong(epoch).putLong(seq).put(type).flip());
        crc.update(payload);
        return (int) crc.getValue();
    }
}
