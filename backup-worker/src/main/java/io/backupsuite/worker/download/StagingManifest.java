package io.backupsuite.worker.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The {@code manifest} of a staged object (a small properties file): what the staged bytes are meant
 * to become and which source version they came from.
 *
 * @param size expected size in bytes
 * @param sha256 expected SHA-256, lowercase hex
 * @param chunkSize chunk size the staging was written with
 * @param validator strong ETag or Last-Modified of the source version, or {@code null}
 */
record StagingManifest(long size, String sha256, long chunkSize, String validator) {

    private static final String FILE = "manifest";

    /** The manifest in {@code dir}, or {@code null} if there is none or it cannot be read. */
    static StagingManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            return new StagingManifest(
                    Long.parseLong(properties.getProperty("size")),
                    properties.getProperty("sha256", ""),
                    Long.parseLong(properties.getProperty("chunkSize")),
                    properties.getProperty("validator"));
        } catch (IllegalArgumentException e) { // also NumberFormatException: unreadable, start over
            return null;
        }
    }

    /** Replaces the manifest in {@code dir} atomically (temp file, fsync, rename, directory fsync). */
    void write(Path dir) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("format", "1");
        properties.setProperty("size", String.valueOf(size));
        properties.setProperty("sha256", sha256);
        properties.setProperty("chunkSize", String.valueOf(chunkSize));
        if (validator != null) {
            properties.setProperty("validator", validator);
        }
        Path temp = dir.resolve(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            properties.store(out, "backup-worker staging");
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
