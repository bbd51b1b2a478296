package io.backupsuite.worker.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a restored object below the restore root the way the blob store writes blobs: a temp file
 * beside the target, fsync, atomic rename, fsync of the directory. Missing directories are created
 * one at a time, each checked not to be a symbolic link. The target never holds partial bytes.
 */
final class FileRestorer {

    private static final int BUFFER = 256 * 1024;

    void write(RestoreTarget.File target, InputStream content) throws IOException {
        RestoreTargets.check(target);
        Path file = target.root().resolve(target.relative());
        Path parent = makeParents(target.root(), file.getParent());
        Path temp = parent.resolve(".restore-" + UUID.randomUUID() + ".part");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                byte[] buffer = new byte[BUFFER];
                for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
                channel.force(true);
            }
            RestoreTargets.check(target); // nothing was swapped for a link while the bytes were written
            if (!target.overwrite() && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("a file appeared at the target while restoring, and overwrite is off");
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            fsync(parent);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static Path makeParents(Path root, Path dir) throws IOException {
        Path current = root;
        for (Path name : root.relativize(dir)) {
            Path next = current.resolve(name);
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(next);
                fsync(current);
            }
            if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("a part of the target path is not a directory");
            }
            current = next;
        }
        return current;
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
