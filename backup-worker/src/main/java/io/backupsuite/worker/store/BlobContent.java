package io.backupsuite.worker.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/** The stored bytes of one blob: a file of its own (large blobs) or a record read from a pack (small ones). */
public sealed interface BlobContent {

    long size();

    /** A stream of the bytes, from the first. */
    InputStream open() throws IOException;

    /** Every byte; for small blobs only (the caller checks the size first). */
    byte[] readAll() throws IOException;

    /** The content as a resource Spring MVC serves with {@code Range} support. */
    Resource resource();

    /** A blob stored as its own file. */
    record InFile(Path file, long size) implements BlobContent {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public Resource resource() {
            return new FileSystemResource(file);
        }

        @Override
        public byte[] readAll() throws IOException {
            byte[] bytes = Files.readAllBytes(file); // immutable once stored: the size known still holds
            if (bytes.length != size) {
                throw new IOException("blob file " + file.getFileName() + " changed size while it was read");
            }
            return bytes;
        }
    }

    /** A blob read from a pack, CRC-checked; the array is the store's fresh read, handed out only as copies. */
    record InPack(byte[] bytes) implements BlobContent {

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public byte[] readAll() {
            return bytes.clone();
        }

        @Override
        public Resource resource() {
            return new ByteArrayResource(bytes);
        }
    }
}
