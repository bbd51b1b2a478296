package io.backupsuite.worker.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk format of {@link PackStore}: pack and sidecar files, record headers and their CRC,
 * and the recovery that rebuilds the index when the store opens.
 */
final class PackFiles {

    private static final Logger log = LoggerFactory.getLogger(PackFiles.class);
    private static final byte[] PACK_MAGIC = "BSPACK01".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIDECAR_MAGIC = "BSPIDX01".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PACK_NAME = Pattern.compile("pack-(\\d{8})\\.dat");
    private static final int SIDECAR_ENTRY_BYTES = 32 + 8 + 4;
    static final long FILE_HEADER_BYTES = PACK_MAGIC.length;

    private PackFiles() {}

    /** A record of a pack: whose content, where, how long. */
    record Entry(byte[] sha, long offset, int length) {}

    /** The pack left open for appends, where its last whole record ends, and its records so far. */
    record Recovered(int openNumber, long openEnd, List<Entry> openEntries) {}

    /** Receives every record found while recovering. */
    interface Sink {
        void add(byte[] sha, long location);
    }

    static Path pack(Path dir, int number) {
        return dir.resolve(String.format("pack-%08d.dat", number));
    }

    static Path sidecar(Path dir, int number) {
        return dir.resolve(String.format("pack-%08d.idx", number));
    }

    static byte[] shaBytes(String sha256) {
        return HexFormat.of().parseHex(sha256);
    }

    static long prefix(byte[] sha) {
        return ByteBuffer.wrap(sha, 0, 8).getLong();
    }

    static ByteBuffer header(byte[] sha, byte[] content) {
        ByteBuffer header = ByteBuffer.allocate(PackStore.HEADER_BYTES);
        header.put(sha).putInt(content.length);
        header.putInt(crc(header.array(), content));
        return header.flip();
    }

    /** CRC32C of a record's SHA-256, length and content. */
    static int crc(byte[] header, byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, 36);
        crc.update(content);
        return (int) crc.getValue();
    }

    /** Creates pack {@code number} with its magic, durably (file and directory entry). */
    static FileChannel create(Path dir, int number) throws IOException {
        FileChannel channel = FileChannel.open(pack(dir, number), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            channel.write(ByteBuffer.wrap(PACK_MAGIC), 0);
            channel.force(true);
            DirectorySync.fsync(dir);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes the sidecar of a closed pack: temp file, fsync, rename, directory fsync. */
    static void writeSidecar(Path dir, int number, List<Entry> entries) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SIDECAR_MAGIC.length + 4 + entries.size() * SIDECAR_ENTRY_BYTES + 4);
        buffer.put(SIDECAR_MAGIC).putInt(entries.size());
        for (Entry e : entries) {
            buffer.put(e.sha()).putLong(e.offset()).putInt(e.length());
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue()).flip();
        Path temp = dir.resolve(sidecar(dir, number).getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, sidecar(dir, number), StandardCopyOption.ATOMIC_MOVE);
        DirectorySync.fsync(dir);
    }

    /** A sidecar's entries, or {@code null} when it is missing or damaged (then the pack is scanned). */
    static List<Entry> readSidecar(Path dir, int number) {
        Path file = sidecar(dir, number);
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
            int count = buffer.remaining() >= SIDECAR_MAGIC.length + 8 ? buffer.getInt(SIDECAR_MAGIC.length) : -1;
            if (count < 0 || buffer.remaining() != SIDECAR_MAGIC.length + 4 + (long) count * SIDECAR_ENTRY_BYTES + 4
                    || !Arrays.equals(buffer.array(), 0, SIDECAR_MAGIC.length, SIDECAR_MAGIC, 0, SIDECAR_MAGIC.length)) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, buffer.limit() - 4);
            if ((int) crc.getValue() != buffer.getInt(buffer.limit() - 4)) {
                return null;
            }
            buffer.position(SIDECAR_MAGIC.length + 4);
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] sha = new byte[32];
                buffer.get(sha);
                entries.add(new Entry(sha, buffer.getLong(), buffer.getInt()));
            }
            return entries;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Rebuilds the index: closed packs from their sidecars (or by a scan when a crash came between
     * closing a pack and writing its sidecar), the open pack by a scan. Nothing is cut or rewritten:
     * when the open pack does not end with a whole record (a write the crash cut short, never
     * acknowledged, or damage), it is closed with the records found and appends go to a new pack,
     * so bytes that might matter are never destroyed by the recovery itself.
     */
    static Recovered recover(Path dir, Sink sink) throws IOException {
        List<Integer> numbers = numbers(dir);
        if (numbers.isEmpty()) {
            return next(dir, 0);
        }
        for (int i = 0; i < numbers.size(); i++) {
            int number = numbers.get(i);
            boolean last = i == numbers.size() - 1;
            List<Entry> entries = readSidecar(dir, number);
            if (entries != null) {
                entries.forEach(e -> sink.add(e.sha(), PackIndex.location(number, e.offset())));
                if (last) { // closed, but the next pack was never created
                    return next(dir, number);
                }
                continue;
            }
            Scan scan = scan(pack(dir, number));
            scan.entries().forEach(e -> sink.add(e.sha(), PackIndex.location(number, e.offset())));
            if (scan.skipped() > 0) {
                log.error("Pack {}: {} damaged records skipped (their blobs are not held here any more)", number, scan.skipped());
            }
            boolean whole = scan.headerOk() && scan.end() == scan.size();
            if (last && whole) {
                return new Recovered(number, scan.end(), scan.entries());
            }
            if (!whole) {
                log.warn("Pack {} ends with {} bytes that are not a whole record (a write cut short by a crash, or damage): "
                        + "kept, not indexed{}", number, scan.size() - scan.end(), last ? "; appends go to a new pack" : "");
            }
            writeSidecar(dir, number, scan.entries());
            if (last) {
                return next(dir, number);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Starts an empty pack after the closed pack {@code number}. */
    private static Recovered next(Path dir, int number) throws IOException {
        create(dir, number + 1).close();
        return new Recovered(number + 1, FILE_HEADER_BYTES, List.of());
    }

    /** Records found, where parsing stopped, the file's size, whether the magic was there, damaged records skipped. */
    private record Scan(List<Entry> entries, long end, long size, boolean headerOk, int skipped) {}

    private static Scan scan(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer magic = ByteBuffer.allocate(PACK_MAGIC.length);
            channel.read(magic, 0);
            if (!Arrays.equals(magic.array(), PACK_MAGIC)) {
                return new Scan(entries, Math.min(size, FILE_HEADER_BYTES), size, false, 0);
            }
            long position = FILE_HEADER_BYTES;
            int skipped = 0;
            ByteBuffer header = ByteBuffer.allocate(PackStore.HEADER_BYTES);
            while (position + PackStore.HEADER_BYTES <= size) {
                header.clear();
                readAt(channel, header, position);
                int length = header.getInt(32);
                if (length < 0 || length > BlobStore.PACKED_MAX_BYTES || position + PackStore.HEADER_BYTES + length > size) {
                    break; // an unfinished last record, or a length that cannot be trusted: nothing past it is found
                }
                ByteBuffer content = ByteBuffer.allocate(length);
                readAt(channel, content, position + PackStore.HEADER_BYTES);
                if (crc(header.array(), content.array()) == header.getInt(36)) {
                    entries.add(new Entry(Arrays.copyOf(header.array(), 32), position, length));
                } else {
                    skipped++; // a damaged record whose length still leads to the next one
                }
                position += PackStore.HEADER_BYTES + length;
            }
            return new Scan(entries, position, size, true, skipped);
        }
    }

    /** Fills {@code buffer} from {@code position} on. */
    static void readAt(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of pack");
            }
        }
    }

    private static List<Integer> numbers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> PACK_NAME.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .sorted()
                    .toList();
        }
    }
}
