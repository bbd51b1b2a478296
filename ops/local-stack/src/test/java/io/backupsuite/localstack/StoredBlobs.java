package io.backupsuite.localstack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A worker's stored blobs read straight from its data directory, a check that does not go through
 * the worker: a blob file ({@code blobs/ab/cd/<sha256>}), or a record of a pack ({@code packs/pack-<n>.dat}:
 * an 8-byte magic, then records of SHA-256, length, CRC32C and content) for blobs of at most 64 KiB.
 */
final class StoredBlobs {

    private static final int MAGIC_BYTES = 8;
    private static final int HEADER_BYTES = 40;

    private StoredBlobs() {}

    static Optional<byte[]> read(Path workerDir, String sha256) throws IOException {
        Path file = workerDir.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
        if (Files.exists(file)) {
            return Optional.of(Files.readAllBytes(file));
        }
        Path packs = workerDir.resolve("packs");
        if (!Files.isDirectory(packs)) {
            return Optional.empty();
        }
        byte[] wanted = HexFormat.of().parseHex(sha256);
        List<Path> files;
        try (Stream<Path> list = Files.list(packs)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".dat")).sorted().toList();
        }
        for (Path pack : files) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(pack));
            int at = MAGIC_BYTES;
            while (at + HEADER_BYTES <= bytes.limit()) {
                int length = bytes.getInt(at + 32);
                if (length < 0 || at + HEADER_BYTES + length > bytes.limit()) {
                    break; // a record still being written
                }
                if (Arrays.equals(bytes.array(), at, at + 32, wanted, 0, 32)) {
                    return Optional.of(Arrays.copyOfRange(bytes.array(), at + HEADER_BYTES, at + HEADER_BYTES + length));
                }
                at += HEADER_BYTES + length;
            }
        }
        return Optional.empty();
    }
}
