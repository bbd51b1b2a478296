package io.backupsuite.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit of directory fsyncs: every caller is released, each after a sync that began after its call, failures reach their batch. */
class DirectorySyncTests {

    @TempDir
    Path dir;

    @Test
    void everyConcurrentCallerReturnsAndBatchesAccountForEveryCall() throws Exception {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        DirectorySync sync = new DirectorySync(true, batches::add);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            dirs.add(Files.createDirectories(dir.resolve("d" + i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (Path d : dirs) {
                    calls.add(pool.submit(() -> {
                        sync.sync(Set.of(d));
                        return null;
                    }));
                }
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(320);
    }

    @Test
    void aFailedDirectoryFsyncFailsItsCaller() {
        DirectorySync sync = new DirectorySync(true, n -> {});
        assertThatThrownBy(() -> sync.sync(Set.of(dir.resolve("missing")))).isInstanceOf(IOException.class)
                .hasMessageContaining("directory fsync failed");
        DirectorySync perFile = new DirectorySync(false, n -> {});
        assertThatThrownBy(() -> perFile.sync(Set.of(dir.resolve("missing")))).isInstanceOf(IOException.class);
    }

    @Test
    void aBatchedStoreCommitsConcurrentBlobsThatAllReadBack() throws Exception {
        BlobStore store = new BlobStore(dir, new SimpleMeterRegistry(), BlobStore.DirectoryFsync.BATCHED);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredBlob>> commits = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int seed = i;
                commits.add(pool.submit(() -> {
                    byte[] content = new byte[BlobStore.PACKED_MAX_BYTES + 4096]; // a file of its own, not packed
                    new Random(seed).nextBytes(content);
                    try (StagedBlob blob = store.stage()) {
                        blob.write(content, 0, content.length);
                        return blob.commit();
                    }
                }));
            }
            for (Future<StoredBlob> commit : commits) {
                StoredBlob stored = commit.get();
                assertThat(store.path(stored.sha256())).hasValueSatisfying(p -> assertThat(p).hasSize(BlobStore.PACKED_MAX_BYTES + 4096));
            }
        } finally {
            pool.shutdown();
        }
        assertThat(Files.list(store.tempDirectory())).isEmpty();
    }
}
