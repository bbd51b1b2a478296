package io.backupsuite.localstack.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Writes files of random bytes, hashing them as they are written. Each file appears under its name
 * only when complete (temp file, then rename), so a download never sees half of one.
 */
final class FileGenerator {

    static final int MAX_COUNT = 100_000;
    static final long MAX_SIZE = 64L << 30;
    private static final int CHUNK = 1 << 20;

    private final Path dir;

    FileGenerator(Path dir) {
        this.dir = dir;
    }

    /** A generated file: its name and SHA-256 (hex). */
    record Generated(String name, long size, String sha256) {}

    List<Generated> generate(int count, long size, String prefix) throws IOException {
        Files.createDirectories(dir);
        long seed = ThreadLocalRandom.current().nextLong();
        // small files are many: write them side by side; large ones are one stream each anyway
        IntStream indexes = IntStream.range(0, count);
        if (size <= CHUNK && count > 16) {
            indexes = indexes.parallel();
        }
        return indexes.mapToObj(i -> write(prefix + "-" + i + ".bin", size, new SplittableRandom(seed + i))).toList();
    }

    private Generated write(String name, long size, SplittableRandom random) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Path tmp = Files.createTempFile(dir, ".gen-", ".tmp");
            byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long left = size; left > 0; ) {
                    random.nextBytes(buf);
                    int n = (int) Math.min(buf.length, left);
                    out.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    left -= n;
                }
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Generated(name, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
