package io.backupsuite.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.worker.TestSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small blobs in pack files on a real directory: group commit, reopening, torn tails, damage, failed fsyncs. */
class PackStoreTests {

    @TempDir
    Path dataDir;

    private static final BlobStore.FileSync SYNC = channel -> channel.force(true);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static byte[] content(int seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static StoredBlob commit(BlobStore store, byte[] bytes) throws StorageException {
        try (StagedBlob staged = store.stage()) {
            staged.write(bytes, 0, bytes.length);
            return staged.commit();
        }
    }

    private List<Path> files(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve(dir))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aSmallBlobGoesIntoAPackNotAFileOfItsOwnAndReadsBack() throws Exception {
        byte[] bytes = content(1, 4096);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            assertThat(commit(store, bytes)).isEqualTo(new StoredBlob(TestSource.sha256(bytes), 4096, false));
            assertThat(commit(store, bytes).alreadyPresent()).isTrue();
            assertThat(files("blobs")).isEmpty();
            assertThat(files("tmp")).isEmpty();
            assertThat(store.contains(TestSource.sha256(bytes))).isTrue();
            assertThat(store.path(TestSource.sha256(bytes))).isEmpty();
            BlobContent read = store.content(TestSource.sha256(bytes)).orElseThrow();
            assertThat(read).isInstanceOf(BlobContent.InPack.class);
            assertThat(read.readAll()).isEqualTo(bytes);
            assertThat(read.open().readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void putSmallRefusesBytesThatAreNotTheNamedContent() throws Exception {
        byte[] bytes = content(2, 100);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            String otherSha = TestSource.sha256(content(3, 100));
            assertThatThrownBy(() -> store.putSmall(otherSha, bytes)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not match");
            assertThat(store.contains(otherSha)).isFalse();
            assertThat(store.putSmall(TestSource.sha256(bytes), bytes).alreadyPresent()).isFalse();
            assertThat(store.content(TestSource.sha256(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
        }
    }

    @Test
    void concurrentCommitsShareFsyncsAndAllReadBackAfterReopening() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            contents.add(content(100 + i, 1 + i * 97));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            List<Future<StoredBlob>> commits = new ArrayList<>();
            for (byte[] bytes : contents) {
                commits.add(pool.submit(() -> store.putSmall(TestSource.sha256(bytes), bytes)));
            }
            for (Future<StoredBlob> commit : commits) {
                assertThat(commit.get().alreadyPresent()).isFalse();
            }
        } finally {
            pool.shutdown();
        }
        var batches = meters.get("backup.worker.store.pack.batch").summary();
        assertThat((long) batches.totalAmount()).isEqualTo(200);
        try (BlobStore reopened = new BlobStore(dataDir, new SimpleMeterRegistry())) {
            for (byte[] bytes : contents) {
                assertThat(reopened.content(TestSource.sha256(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void closedPacksAreFoundThroughTheirSidecarsAndTheOpenOneByAScan() throws Exception {
        Path packs = dataDir.resolve("packs");
        List<byte[]> contents = new ArrayList<>();
        PackStore store = new PackStore(packs, SYNC, meters, 10_000);
        for (int i = 0; i < 30; i++) {
            byte[] bytes = content(200 + i, 3000);
            contents.add(bytes);
            store.put(TestSource.sha256(bytes), bytes);
        }
        store.close();
        try (Stream<Path> files = Files.list(packs)) {
            assertThat(files.filter(f -> f.toString().endsWith(".idx")).count()).isEqualTo(7); // four records of 3,040 bytes pass 10,000
        }
        PackStore reopened = new PackStore(packs, SYNC, new SimpleMeterRegistry(), 10_000);
        for (byte[] bytes : contents) {
            assertThat(reopened.read(TestSource.sha256(bytes)).orElseThrow()).isEqualTo(bytes);
        }
        byte[] more = content(300, 3000);
        reopened.put(TestSource.sha256(more), more);
        reopened.close();
        assertThat(new PackStore(packs, SYNC, new SimpleMeterRegistry(), 10_000).read(TestSource.sha256(more)).orElseThrow()).isEqualTo(more);
    }

    @Test
    void aTornTailIsLeftAsItIsAndAppendsGoToANewPack() throws Exception {
        byte[] first = content(10, 5000);
        byte[] second = content(11, 5000);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            store.putSmall(TestSource.sha256(first), first);
            store.putSmall(TestSource.sha256(second), second);
        }
        Path pack = dataDir.resolve("packs").resolve("pack-00000001.dat");
        long whole = Files.size(pack);
        try (FileChannel channel = FileChannel.open(pack, StandardOpenOption.WRITE)) {
            channel.truncate(whole - 100); // the second record's write was cut short by a crash
        }
        byte[] third = content(12, 5000);
        try (BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry())) {
            assertThat(store.contains(TestSource.sha256(first))).isTrue();
            assertThat(store.contains(TestSource.sha256(second))).isFalse();
            assertThat(Files.size(pack)).as("recovery destroys nothing").isEqualTo(whole - 100);
            store.putSmall(TestSource.sha256(third), third);
        }
        assertThat(dataDir.resolve("packs").resolve("pack-00000001.idx")).exists();
        assertThat(Files.size(dataDir.resolve("packs").resolve("pack-00000002.dat"))).isEqualTo(8 + PackStore.HEADER_BYTES + 5000);
        try (BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry())) {
            assertThat(store.content(TestSource.sha256(first)).orElseThrow().readAll()).isEqualTo(first);
            assertThat(store.content(TestSource.sha256(third)).orElseThrow().readAll()).isEqualTo(third);
        }
    }

    @Test
    void aDamagedByteIsAnErrorOnReadNeverWrongContentAndTheBlobCanBeStoredAgain() throws Exception {
        byte[] bytes = content(20, 4096);
        byte[] next = content(21, 4096);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            store.putSmall(TestSource.sha256(bytes), bytes);
            store.putSmall(TestSource.sha256(next), next);
            PackDamage.flipByteOf(dataDir, bytes, 1000);
            assertThatThrownBy(() -> store.content(TestSource.sha256(bytes))).isInstanceOf(IOException.class)
                    .hasMessageContaining("fails its CRC");
            assertThat(meters.get("backup.worker.store.pack.damaged").counter().count()).isEqualTo(1);
            assertThat(store.contains(TestSource.sha256(bytes))).as("forgotten: no longer held here").isFalse();
            assertThat(store.content(TestSource.sha256(next)).orElseThrow().readAll()).isEqualTo(next);
            assertThat(store.putSmall(TestSource.sha256(bytes), bytes).alreadyPresent()).isFalse(); // stored again
            assertThat(store.content(TestSource.sha256(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
        }
        try (BlobStore reopened = new BlobStore(dataDir, new SimpleMeterRegistry())) { // the scan skips the damaged record
            assertThat(reopened.content(TestSource.sha256(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
            assertThat(reopened.content(TestSource.sha256(next)).orElseThrow().readAll()).isEqualTo(next);
        }
    }

    @Test
    void aFailedFsyncFailsEveryCallerOfTheBatchAndLeavesNothingBehind() throws Exception {
        AtomicBoolean full = new AtomicBoolean(true);
        byte[] bytes = content(30, 4096);
        BlobStore store = new BlobStore(dataDir, meters, BlobStore.DirectoryFsync.PER_FILE, channel -> {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
            channel.force(true);
        });
        assertThatThrownBy(() -> store.putSmall(TestSource.sha256(bytes), bytes)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.diskFull()).isTrue());
        assertThat(store.contains(TestSource.sha256(bytes))).isFalse();
        assertThat(Files.size(dataDir.resolve("packs").resolve("pack-00000001.dat"))).isEqualTo(8);
        full.set(false);
        assertThat(store.putSmall(TestSource.sha256(bytes), bytes).alreadyPresent()).isFalse();
        store.close();
        try (BlobStore reopened = new BlobStore(dataDir, new SimpleMeterRegistry())) {
            assertThat(reopened.content(TestSource.sha256(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
        }
    }

    @Test
    void blobsWhoseNamesShareAPrefixAreToldApartByTheFullName() throws Exception {
        PackStore store = new PackStore(dataDir.resolve("packs"), SYNC, meters);
        String prefix = "0123456789abcdef"; // 8 bytes, as the index keys them
        String a = prefix + "a".repeat(48);
        String b = prefix + "b".repeat(48);
        store.put(a, new byte[] {1});
        store.put(b, new byte[] {2, 2});
        assertThat(store.read(a).orElseThrow()).isEqualTo(new byte[] {1});
        assertThat(store.read(b).orElseThrow()).isEqualTo(new byte[] {2, 2});
        assertThat(store.contains(prefix + "c".repeat(48))).isFalse();
        store.close();
    }

    @Test
    void aSmallBlobFileOfAnEarlierVersionIsStillServed() throws Exception {
        byte[] bytes = content(40, 4096);
        String sha = TestSource.sha256(bytes);
        Path legacy = dataDir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        Files.createDirectories(legacy.getParent());
        Files.write(legacy, bytes);
        try (BlobStore store = new BlobStore(dataDir, meters)) {
            assertThat(store.contains(sha)).isTrue();
            assertThat(store.content(sha).orElseThrow()).isInstanceOf(BlobContent.InFile.class);
            assertThat(store.content(sha).orElseThrow().readAll()).isEqualTo(bytes);
            assertThat(commit(store, bytes).alreadyPresent()).isTrue();
        }
    }
}
