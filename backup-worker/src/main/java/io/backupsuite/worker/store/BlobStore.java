package io.backupsuite.worker.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Content-addressed blob storage on the local disk: {@code blobs/ab/cd/<sha256>} under the data
 * directory. Bytes are staged in {@code tmp/} (same filesystem), fsynced, and renamed into place
 * atomically, so a blob file is always complete and verified. Only validated SHA-256 names ever
 * become paths; object keys never do.
 *
 * <p>A blob is never reported stored before its file and its directory entry are durable. Each
 * commit fsyncs its file, renames it, and fsyncs the directories it touched on its own thread
 * ({@link DirectoryFsync#PER_FILE}, the default): concurrent fsyncs on one filesystem are merged by
 * the kernel's journal already, and measured on ext4 this beat a user-space group commit
 * ({@link DirectoryFsync#BATCHED}, one leader fsyncing each distinct directory of a batch once) by
 * 3-12x with the {@code ab/cd/} layout, and matched it with a flat one (see {@code ops/bench/blob-commit}).
 */
public final class BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path blobs;
    private final Path tmp;
    private final Timer fsyncTimer;
    private final DirectorySync directories;
    private final FileSync fileSync;

    /** How a blob file is made durable before its rename; the disk-full test puts a failing one here. */
    @FunctionalInterface
    interface FileSync {
        void force(FileChannel channel) throws IOException;
    }

    /** How commits make their directory entries durable. */
    public enum DirectoryFsync {
        /** Concurrent commits share one fsync per distinct directory, done by one leader per batch. */
        BATCHED,
        /** Each commit fsyncs its own directories, concurrently with the others (the default). */
        PER_FILE
    }

    public BlobStore(Path dataDir, MeterRegistry registry) {
        this(dataDir, registry, DirectoryFsync.PER_FILE);
    }

    public BlobStore(Path dataDir, MeterRegistry registry, DirectoryFsync mode) {
        this(dataDir, registry, mode, channel -> channel.force(true));
    }

    BlobStore(Path dataDir, MeterRegistry registry, DirectoryFsync mode, FileSync fileSync) {
        this.fileSync = fileSync;
        DistributionSummary batchSizes = DistributionSummary.builder("backup.worker.store.commit.batch")
                .description("Commits that shared one round of directory fsyncs")
                .register(registry);
        this.directories = new DirectorySync(mode == DirectoryFsync.BATCHED, batchSizes::record);
        this.blobs = dataDir.resolve("blobs");
        this.tmp = dataDir.resolve("tmp");
        this.fsyncTimer = Timer.builder("backup.worker.store.fsync")
                .description("Time to fsync a blob and its directory")
                .publishPercentileHistogram()
                .register(registry);
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
            deleteLeftovers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the blob store in " + dataDir, e);
        }
    }

    /** Opens a new temp file for one transfer; close it to discard, commit it to keep it. */
    public StagedBlob stage() throws StorageException {
        Path file = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            return new StagedBlob(this, file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw StorageException.io("cannot create a temp file", e);
        }
    }

    /**
     * Takes over a complete file whose size and SHA-256 were verified by its writer (resumable staging
     * under the data directory, so the commit is still one rename). {@code onClose} runs once the
     * blob is committed or discarded.
     */
    public StagedBlob adopt(Path file, long size, String sha256, Runnable onClose) throws StorageException {
        try {
            return StagedBlob.finished(this, file, FileChannel.open(file, StandardOpenOption.WRITE), size, sha256, onClose);
        } catch (IOException e) {
            onClose.run();
            throw StorageException.io("cannot open the staged file", e);
        }
    }

    /** Whether a blob with this content is stored. */
    public boolean contains(String sha256) {
        return path(sha256).isPresent();
    }

    /** The file of a stored blob, if this node holds it. */
    /** Whether {@code name} is a blob's name: 64 lowercase hex characters (only such names ever become paths). */
    public static boolean isName(String name) {
        return name != null && SHA256.matcher(name).matches();
    }

    public Optional<Path> path(String sha256) {
        if (!isName(sha256)) {
            return Optional.empty();
        }
        Path file = blobPath(sha256);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Directory where temp files of running transfers live (for health checks and tests). */
    public Path tempDirectory() {
        return tmp;
    }

    /** Moves a verified temp file into place. Called by {@link StagedBlob#commit()}. */
    StoredBlob publish(Path temp, FileChannel channel, String sha256, long size) throws StorageException {
        if (!SHA256.matcher(sha256).matches()) {
            throw StorageException.state("not a SHA-256: " + sha256);
        }
        Path target = blobPath(sha256);
        try {
            if (Files.isRegularFile(target)) {
                return new StoredBlob(sha256, size, true);
            }
            Timer.Sample sample = Timer.start();
            fileSync.force(channel); // with delayed allocation a full disk often shows here, not in write()
            Path dir = target.getParent();
            boolean newDirs = !Files.isDirectory(dir);
            Files.createDirectories(dir);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            Set<Path> touched = new LinkedHashSet<>();
            touched.add(dir);
            if (newDirs) { // the new directories' own entries must be durable too
                touched.add(dir.getParent());
                touched.add(blobs);
            }
            directories.sync(touched);
            sample.stop(fsyncTimer);
            return new StoredBlob(sha256, size, false);
        } catch (IOException e) {
            throw StorageException.io("cannot store blob " + sha256, e);
        }
    }

    private Path blobPath(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /** Temp files of attempts that died with the process are never resumed in this version. */
    private void deleteLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
