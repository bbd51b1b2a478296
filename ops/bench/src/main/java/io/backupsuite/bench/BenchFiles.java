package io.backupsuite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scratch directories of the benchmarks, which hold gigabytes after a large-file run. */
final class BenchFiles {

    private BenchFiles() {}

    /** Deletes a directory and everything under it; nothing when it does not exist or {@code BENCH_KEEP} is set (to read the logs). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir) || System.getenv("BENCH_KEEP") != null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
