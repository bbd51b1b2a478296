package io.backupsuite.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.worker.TestSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content-addressed storage on a real directory. */
class BlobStoreTests {

    @TempDir
    Path dataDir;

    private final byte[] content = ("hello, backup " + "x".repeat(BlobStore.PACKED_MAX_BYTES)).getBytes(StandardCharsets.UTF_8); // a file of its own
    private final String sha = TestSource.sha256(content);

    private StoredBlob store(BlobStore store, byte[] bytes) throws StorageException {
        try (StagedBlob staged = store.stage()) {
            staged.write(bytes, 0, bytes.length);
            return staged.commit();
        }
    }

    @Test
    void storesUnderTheContentHashInTwoLevelsOfDirectories() throws Exception {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        StoredBlob blob = store(store, content);
        assertThat(blob).isEqualTo(new StoredBlob(sha, content.length, false));
        Path expected = dataDir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        assertThat(store.path(sha)).contains(expected);
        assertThat(Files.readAllBytes(expected)).isEqualTo(content);
    }

    @Test
    void theSameContentIsWrittenOnce() throws Exception {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        store(store, content);
        assertThat(store(store, content).alreadyPresent()).isTrue();
        assertThat(allFiles("blobs")).hasSize(1);
        assertThat(allFiles("tmp")).isEmpty();
    }

    @Test
    void aClosedStagingLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        try (StagedBlob staged = store.stage()) {
            staged.write(content, 0, 5);
            assertThat(allFiles("tmp")).hasSize(1);
        }
        assertThat(allFiles("tmp")).isEmpty();
        assertThat(allFiles("blobs")).isEmpty();
    }

    @Test
    void aLargeBlobFlushedWhileItIsWrittenCommitsWhole() throws Exception {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        byte[] block = new byte[1 << 20];
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        long blocks = 3 * StagedBlob.WRITEBACK_BYTES / block.length + 7; // several background flushes and a tail
        StoredBlob stored;
        try (StagedBlob staged = store.stage()) {
            for (int i = 0; i < blocks; i++) {
                java.util.Arrays.fill(block, (byte) i);
                digest.update(block);
                staged.write(block, 0, block.length);
            }
            stored = staged.commit();
        }
        assertThat(stored.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(digest.digest()));
        assertThat(Files.size(store.path(stored.sha256()).orElseThrow())).isEqualTo(blocks * block.length);
        try (Stream<Path> tmp = Files.list(dataDir.resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void aLargeStagingClosedWhileItsFlushRunsLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        byte[] block = new byte[1 << 20];
        StagedBlob staged = store.stage();
        for (int i = 0; i < StagedBlob.WRITEBACK_BYTES / block.length + 1; i++) {
            staged.write(block, 0, block.length);
        }
        staged.close(); // a background flush may still run: it fails quietly on the closed channel
        try (Stream<Path> tmp = Files.list(dataDir.resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void leftoversOfACrashAreRemovedOnOpen() throws Exception {
        Files.createDirectories(dataDir.resolve("tmp"));
        Files.writeString(dataDir.resolve("tmp").resolve("dead.part"), "half");
        new BlobStore(dataDir, new SimpleMeterRegistry());
        assertThat(allFiles("tmp")).isEmpty();
    }

    @Test
    void onlyShaNamesBecomePaths() {
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry());
        assertThat(store.path("../../etc/passwd")).isEmpty();
        assertThat(store.path(sha.toUpperCase())).isEmpty();
        assertThat(store.path(null)).isEmpty();
    }

    private List<Path> allFiles(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve(dir))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
