package io.backupsuite.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ProgressListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A disk that fills up while an object is committed (injected as the ENOSPC that fsync reports
 * under delayed allocation): the commit fails with a clear reason, no partial blob is visible,
 * temp and staging files are gone, and a retry once space is back stores the object.
 */
class DiskFullTests {

    @TempDir
    Path dataDir;

    private final TestSource source = new TestSource();
    private final AtomicBoolean full = new AtomicBoolean(true);

    @AfterEach
    void close() {
        source.close();
    }

    private WorkerProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "backup.worker.data-dir", dataDir.toString(),
                "backup.worker.allowed-source-hosts", "127.0.0.1",
                "backup.worker.chunk-size", "64KB")))
                .bindOrCreate("backup.worker", WorkerProperties.class);
    }

    private List<Path> files(String dir) throws IOException {
        Path root = dataDir.resolve(dir);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aFullDiskFailsTheCommitCleanlyAndARetryLaterStoresTheObject() throws Exception {
        byte[] content = new byte[300_000]; // several staged chunks
        new Random(3).nextBytes(content);
        var request = new DownloadRequest("disk/full.bin", content.length, TestSource.sha256(content),
                List.of(source.serve("full", content, TestSource.Behaviour.OK)));
        BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry(), BlobStore.DirectoryFsync.PER_FILE, channel -> {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
            channel.force(true);
        });

        try (Downloader downloader = Downloader.http(properties(), store, new SimpleMeterRegistry())) {
            try (StagedBlob staged = downloader.download(request, ProgressListener.NONE)) {
                assertThatThrownBy(staged::commit)
                        .isInstanceOfSatisfying(StorageException.class, e -> {
                            assertThat(e.diskFull()).isTrue();
                            assertThat(e.getMessage()).startsWith("disk full: ").contains("No space left on device");
                        });
            }
            assertThat(store.contains(request.sha256())).isFalse();
            assertThat(files("blobs")).isEmpty();
            assertThat(files("tmp")).isEmpty();
            assertThat(files("staging")).as("staging cleaned up").isEmpty();

            full.set(false); // space was freed; the dispatcher's retry comes
            try (StagedBlob staged = downloader.download(request, ProgressListener.NONE)) {
                assertThat(staged.commit().size()).isEqualTo(content.length);
            }
        }
        Path blob = store.path(request.sha256()).orElseThrow();
        assertThat(Files.readAllBytes(blob)).isEqualTo(content);
        assertThat(files("staging")).isEmpty();
    }
}
