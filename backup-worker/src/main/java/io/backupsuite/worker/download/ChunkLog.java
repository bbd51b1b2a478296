package io.backupsuite.worker.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code chunks} file of a staged object: an append-only log of 8-byte records (chunk index,
 * CRC32C) for verified chunks, in the order they were sealed, and 16-byte partial records (index with
 * {@link #PARTIAL} set, length, CRC32C of those bytes, 0) for chunks whose connection broke part-way.
 * A later record of a chunk replaces an earlier one. Not thread-safe: {@link StagedObject} serialises.
 */
final class ChunkLog implements AutoCloseable {

    static final int RECORD = 8;
    /** Set in the index of a partial record. */
    static final int PARTIAL = 0x40000000;

    /** What a log says, read into the caller's arrays. */
    interface Reader {
        void sealed(int index, int crc);

        void partial(int index, long length, int crc);
    }

    private final FileChannel channel;
    private long length;

    private ChunkLog(FileChannel channel) throws IOException {
        this.channel = channel;
        this.length = channel.size() - channel.size() % RECORD;
    }

    static ChunkLog open(Path file) throws IOException {
        return new ChunkLog(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /**
     * Reads the records in order (at most {@code maxRecords}); stops at a record for an index outside
     * {@code [0, chunks)}, or a partial one that does not fit its chunk (foreign or torn).
     */
    void read(int chunks, long chunkSize, long size, Reader reader) throws IOException {
        long max = Math.min(channel.size(), (long) chunks * RECORD * 8);
        ByteBuffer log = ByteBuffer.allocate((int) (max - max % RECORD));
        while (log.hasRemaining() && channel.read(log, log.position()) > 0) {
            // positional reads until full
        }
        log.flip();
        while (log.remaining() >= RECORD) {
            int index = log.getInt();
            if ((index & PARTIAL) != 0 && log.remaining() >= RECORD + 4) {
                int chunk = index & ~PARTIAL;
                long bytes = log.getInt();
                int crc = log.getInt();
                log.getInt();
                if (chunk >= chunks || bytes <= 0 || bytes >= Math.min(chunkSize, size - chunk * chunkSize)) {
                    return;
                }
                reader.partial(chunk, bytes, crc);
                continue;
            }
            int crc = log.getInt();
            if (index < 0 || index >= chunks) {
                return;
            }
            reader.sealed(index, crc);
        }
    }

    void appendSealed(int index, int crc) throws IOException {
        append(ByteBuffer.allocate(RECORD).putInt(index).putInt(crc).flip());
    }

    void appendPartial(int index, long bytes, int crc) throws IOException {
        append(ByteBuffer.allocate(2 * RECORD).putInt(index | PARTIAL).putInt((int) bytes).putInt(crc).putInt(0).flip());
    }

    /** Empties the log (its records are rewritten, or the staging starts over). */
    void clear() throws IOException {
        channel.truncate(0);
        length = 0;
    }

    void force() throws IOException {
        channel.force(false);
    }

    private void append(ByteBuffer record) throws IOException {
        while (record.hasRemaining()) {
            length += channel.write(record, length);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
