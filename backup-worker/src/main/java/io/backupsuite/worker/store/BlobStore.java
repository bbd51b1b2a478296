package io.backupsuite.worker.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * That holds for blobs larger than {@link #PACKED_MAX_BYTES}. Smaller ones are not files of their
 * own: they are appended to pack files with group-committed fsyncs ({@link PackStore}). Small blob
 * files written by an earlier version are still found and served.
 */
public final class BlobStore implements AutoCloseable {

    /** Blobs up to this size go into packs. */
    public static final int PACKED_MAX_BYTES = 64 * 1024;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path blobs;
    private final Path tmp;
    private final Timer fsyncTimer;
    private final DirectorySync directories;
    private final FileSync fileSync;
    private final PackStore packs;

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
            this.packs = new PackStore(dataDir.resolve("packs"), fileSync, registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the blob store in " + dataDir, e);
        }
    }

    /** Opens a new temp file for one transfer; close it to discard, commit it to keep it. */
    public StagedBlob stage() throws StorageException {
        Path file = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            return new StagedBlob(this, file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
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
            return StagedBlob.finished(this, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), size, sha256, onClose);
        } catch (IOException e) {
            onClose.run();
            throw StorageException.io("cannot open the staged file", e);
        }
    }

    /**
     * Takes over a small object's content in memory, verified by its writer (a download staged in
     * memory); committing it puts it into a pack. {@code onClose} runs once it is committed or discarded.
     */
    public StagedBlob adopt(byte[] content, String sha256, Runnable onClose) throws StorageException {
        if (content.length > PACKED_MAX_BYTES) {
            onClose.run();
            throw StorageException.state("only a small blob is staged in memory: " + content.length + " bytes");
        }
        return StagedBlob.inMemory(this, content, sha256, onClose);
    }

    /** Commits a small blob staged in memory. Called by {@link StagedBlob#commit()}. */
    StoredBlob publishSmall(byte[] content, String sha256) throws StorageException {
        if (!isName(sha256)) {
            throw StorageException.state("not a SHA-256: " + sha256);
        }
        return pack(sha256, content);
    }

    /** Appends a small blob to a pack, unless an earlier version stored it as a file of its own. */
    private StoredBlob pack(String sha256, byte[] content) throws StorageException {
        if (Files.isRegularFile(blobPath(sha256))) {
            return new StoredBlob(sha256, content.length, true);
        }
        return packs.put(sha256, content);
    }

    /** Whether a blob with this content is stored. */
    public boolean contains(String sha256) {
        return isName(sha256) && (packs.contains(sha256) || Files.isRegularFile(blobPath(sha256)));
    }

    /** The stored bytes of a blob, if this node holds it (a damaged pack record is an error, not a miss). */
    public Optional<BlobContent> content(String sha256) throws IOException {
        if (!isName(sha256)) {
            return Optional.empty();
        }
        Optional<byte[]> packed = packs.read(sha256);
        if (packed.isPresent()) {
            return Optional.of(new BlobContent.InPack(packed.get()));
        }
        Optional<Path> file = path(sha256);
        return file.isPresent() ? Optional.of(new BlobContent.InFile(file.get(), Files.size(file.get()))) : Optional.empty();
    }

    /**
     * Stores a small blob from memory (a copy received from another member): its bytes are checked
     * against {@code sha256} here, so a caller cannot store content under the wrong name.
     */
    public StoredBlob putSmall(String sha256, byte[] content) throws StorageException {
        if (!isName(sha256) || content.length > PACKED_MAX_BYTES) {
            throw StorageException.state("not a small blob named by its SHA-256: " + sha256);
        }
        if (!sha256Of(content).equals(sha256)) {
            throw StorageException.state("content does not match SHA-256 " + sha256);
        }
        return pack(sha256, content);
    }

    /** Whether {@code name} is a blob's name: 64 lowercase hex characters (only such names ever become paths). */
    public static boolean isName(String name) {
        return name != null && SHA256.matcher(name).matches();
    }

    /** The file of a stored blob, if this node holds it as a file of its own (small blobs are in packs: see {@link #content}). */
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
            if (size <= PACKED_MAX_BYTES) {
                return pack(sha256, readSmall(channel, size)); // the temp file goes when the staged blob closes
            }
            Timer.Sample sample = Timer.start();
            fileSync.force(channel); // with delayed allocation a full disk often shows here, not in write()
            Path dir = target.getParent();
            boolean newDirs = !Files.isDirectory(dir);
            if (newDirs) {
                Files.createDirectories(dir);
            }
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

    private static byte[] readSmall(FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new IOException("the temp file is shorter than the bytes written to it");
            }
        }
        return buffer.array();
    }

    /** The SHA-256 of bytes in memory, as a blob name. */
    public static String sha256Of(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        packs.close();
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
