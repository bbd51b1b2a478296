package io.backupsuite.catalog.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One log segment file: records of consecutive sequence numbers starting at {@link #base}, with an
 * in-memory index of record offsets (4 bytes per entry).
 *
 * <p>Record: {@code int length, int crc32c, long epoch, long seq, byte type, payload}, where length
 * counts everything after the CRC and the CRC covers the same bytes.
 */
final class Segment implements AutoCloseable {

    static final int HEADER = 8;

    final Path file;
    final long base;
    final FileChannel channel;
    private int[] offsets = new int[1024];
    private int count;
    private long size;

    Segment(Path file, long base) throws IOException {
        this.file = file;
        this.base = base;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Scans the file, indexing intact records; returns the epochs seen as (seq, epoch) pairs via the callback. Cuts a torn tail. */
    long recover(EpochSink epochs) throws IOException {
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        long position = 0;
        while (fileSize - position >= HEADER + LogEntry.OVERHEAD - HEADER) {
            header.clear();
            channel.read(header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length < LogEntry.OVERHEAD - HEADER || length > SegmentedLog.MAX_RECORD || fileSize - position - HEADER < length) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, position + HEADER);
            body.flip();
            CRC32C check = new CRC32C();
            check.update(body.duplicate());
            long epoch = body.getLong();
            long seq = body.getLong();
            if ((int) check.getValue() != crc || seq != base + count || !EntryType.valid(body.get())) {
                break;
            }
            index(position);
            epochs.seen(seq, epoch);
            position += HEADER + length;
        }
        size = position;
        return fileSize - position;
    }

    @FunctionalInterface
    interface EpochSink {
        void seen(long seq, long epoch);
    }

    static ByteBuffer encode(LogEntry entry) {
        ByteBuffer buffer = ByteBuffer.allocate(entry.diskSize());
        put(buffer, entry);
        return buffer.flip();
    }

    /** Writes one record at the buffer's position. */
    private static void put(ByteBuffer buffer, LogEntry entry) {
        int start = buffer.position();
        int length = entry.diskSize() - HEADER;
        buffer.putInt(length).putInt(0).putLong(entry.epoch()).putLong(entry.seq()).put(entry.type()).put(entry.payload());
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset() + start + HEADER, length);
        buffer.putInt(start + 4, (int) crc.getValue());
    }

    /** Appends consecutive entries with one write: a standby's batch costs one system call, not one per entry. */
    void write(List<LogEntry> entries) throws IOException {
        int total = 0;
        for (LogEntry entry : entries) {
            total += entry.diskSize();
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        for (LogEntry entry : entries) {
            put(buffer, entry);
        }
        buffer.flip();
        long at = size;
        while (buffer.hasRemaining()) {
            channel.write(buffer, at + buffer.position());
        }
        long position = at;
        for (LogEntry entry : entries) {
            index(position);
            position += entry.diskSize();
        }
        size = position;
    }

    private void index(long position) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = (int) position;
    }

    LogEntry read(long seq) throws IOException {
        long position = offsets[(int) (seq - base)];
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        channel.read(header, position);
        int length = header.flip().getInt();
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining()) {
            if (channel.read(body, position + HEADER + body.position()) < 0) {
                throw new IOException("segment " + file + " ends inside entry " + seq);
            }
        }
        body.flip();
        long epoch = body.getLong();
        body.getLong();
        byte type = body.get();
        byte[] payload = new byte[body.remaining()];
        body.get(payload);
        return new LogEntry(epoch, seq, type, payload);
    }

    /** Cuts the segment so that {@code seq} and everything after it is gone. */
    void truncateFrom(long seq) throws IOException {
        int keep = (int) (seq - base);
        size = keep == count ? size : offsets[keep];
        count = keep;
        channel.truncate(size);
    }

    long lastSeq() {
        return base + count - 1;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
