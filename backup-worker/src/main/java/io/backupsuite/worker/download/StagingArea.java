package io.backupsuite.worker.download;

import io.backupsuite.worker.store.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The resumable staging area ({@code staging/} under the data directory, on the blob store's
 * filesystem so the commit stays one rename): one directory per object, named by the SHA-256 of its
 * key (a key never becomes a path), holding the partial content and its manifest. It survives a
 * restart; directories untouched for {@code maxAge} are swept (their tasks were abandoned). An
 * object small enough to go into a pack is staged in memory instead: it has no chunk to resume.
 */
final class StagingArea {

    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final Path root;
    private final long chunkSize;
    private final Duration maxAge;
    private final Clock clock;
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSweepMillis = new AtomicLong();

    StagingArea(Path root, long chunkSize, Duration maxAge, Clock clock) {
        this.root = root;
        this.chunkSize = chunkSize;
        this.maxAge = maxAge;
        this.clock = clock;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the staging area " + root, e);
        }
    }

    /**
     * Opens the staging of an object, resuming what an earlier attempt (or process) verified if it
     * staged the same size and SHA-256. Only one transfer of an object runs at a time on a node.
     */
    StagedObject open(DownloadRequest request) throws DownloadException {
        sweepIfDue();
        String name = sha256(request.objectKey());
        if (!active.add(name)) {
            throw DownloadException.of(ErrorKind.ALREADY_RUNNING, "a transfer of " + request.objectKey() + " is already running on this worker", 0);
        }
        try {
            if (request.size() <= Math.min(chunkSize, BlobStore.PACKED_MAX_BYTES)) {
                return StagedObject.inMemory(request.size(), request.sha256(), chunkSize, () -> active.remove(name));
            }
            return StagedObject.open(root.resolve(name), request.size(), request.sha256(), chunkSize, () -> active.remove(name));
        } catch (IOException | RuntimeException e) {
            active.remove(name);
            throw DownloadException.of(ErrorKind.STORAGE, "cannot open the staging of " + request.objectKey() + ": " + e.getMessage(), 0);
        }
    }

    /** Deletes staging directories untouched for longer than the maximum age (none in use). */
    void sweep() {
        FileTime oldest = FileTime.from(clock.instant().minus(maxAge));
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (active.add(name)) {
                    try {
                        if (lastTouched(dir).compareTo(oldest) < 0) {
                            deleteTree(dir);
                        }
                    } finally {
                        active.remove(name);
                    }
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // the next sweep tries again; staging is only a cache
        }
    }

    Path root() {
        return root;
    }

    private void sweepIfDue() {
        long now = clock.millis();
        long due = nextSweepMillis.get();
        if (now >= due && nextSweepMillis.compareAndSet(due, now + SWEEP_EVERY.toMillis())) {
            sweep();
        }
    }

    private static FileTime lastTouched(Path dir) throws IOException {
        try (Stream<Path> files = Stream.concat(Stream.of(dir), Files.list(dir))) {
            return files.map(StagingArea::modified).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
