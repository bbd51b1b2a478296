package io.backupsuite.catalog.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The highest epoch this replica has promised or led, fsynced before it acts on it. */
final class EpochFile {

    private final Path file;

    EpochFile(Path file) {
        this.file = file;
    }

    long read() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return ByteBuffer.wrap(Files.readAllBytes(file)).getLong();
    }

    void write(long epoch) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.allocate(8).putLong(epoch).flip());
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directories cannot be opened everywhere; the rename is still atomic
        }
    }
}
