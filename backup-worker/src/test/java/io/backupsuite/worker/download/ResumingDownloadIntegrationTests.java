package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Chunked staging, byte-range resume and replica failover against real sources on loopback that
 * drop connections, change their file or go down on cue. Chunks of 64 KiB, a 1 MiB object.
 */
class ResumingDownloadIntegrationTests {

    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 1 << 20;
    /** Where the flaky replicas cut: 4 whole chunks and part of the fifth. */
    private static final int CUT = 4 * CHUNK + 40_000;

    @TempDir
    Path dataDir;

    private final List<TestSource> sources = new ArrayList<>();
    private final byte[] content = bytes(1);
    private SimpleMeterRegistry registry;
    private BlobStore store;
    private HttpDownloader downloader;

    @BeforeEach
    void setUp() {
        startWorker(2);
    }

    @AfterEach
    void tearDown() {
        downloader.close();
        sources.forEach(TestSource::close);
    }

    @Test
    void aReplicaThatDropsTheConnectionIsReplacedWhereItBroke() throws Exception {
        TestSource a = source();
        TestSource b = source();
        String flaky = a.serveFlaky("f", content, CUT, 1, null);
        String good = b.serve("f", content, Behaviour.OK);
        RecordingProgress progress = new RecordingProgress();

        commit(downloader.download(request(content, flaky, good), progress));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(a.bytesSent()).isEqualTo(CUT);
        assertThat(b.bytesSent()).as("B continues where A broke off, inside chunk 4").isEqualTo(SIZE - CUT);
        assertThat(a.bytesSent() + b.bytesSent()).as("nothing fetched twice").isEqualTo(SIZE);
        assertThat(progress.lastRanges()).as("which replica served which bytes")
                .containsExactly(new ProgressListener.Served(flaky, 0, CUT), new ProgressListener.Served(good, CUT, SIZE));
        assertThat(progress.lastChunksVerified()).isEqualTo(SIZE / CHUNK);
        assertThat(progress.lastBytes()).isEqualTo(SIZE);
        assertThat(stagingDirs()).as("staging is removed after the commit").isEmpty();
    }

    @Test
    void aReplicaThatStallsIsAbandonedAfterTheIdleTimeout() throws Exception {
        startWorker(2, Duration.ofMillis(500));
        TestSource a = source();
        TestSource b = source();
        String stalling = a.serve("f", content, Behaviour.STALL_BODY);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(content, stalling, good), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(registry.get("backup.worker.download.failovers").counter().count()).isEqualTo(1);
    }

    @Test
    void aFileThatChangesBetweenTwoRangesIsRestartedNeverSpliced() throws Exception {
        byte[] changed = bytes(2);
        TestSource a = source();
        String url = a.serveFlaky("f", content, CUT, 1, changed);

        commit(downloader.download(request(changed, url), ProgressListener.NONE));

        assertThat(stored(changed)).isEqualTo(changed);
        assertThat(a.bytesSent()).as("the If-Range miss brought the whole new version").isEqualTo(CUT + SIZE);
        assertThat(registry.get("backup.worker.download.restarts").counter().count()).isEqualTo(1);
    }

    @Test
    void aRangeOfANewVersionRestartsTheTransferNeverSplicing() throws Exception {
        byte[] changed = bytes(2);
        TestSource a = source();
        String url = a.serveChanging("f", content, changed, 4); // chunks 0..3 of the old version, then the new one

        RecordingProgress progress = new RecordingProgress();
        commit(downloader.download(request(changed, url), progress));

        assertThat(stored(changed)).isEqualTo(changed);
        assertThat(registry.get("backup.worker.download.restarts").counter().count()).isEqualTo(1);
        assertThat(progress.lastRanges()).as("every byte from the new version").containsExactly(new ProgressListener.Served(url, 0, SIZE));
    }

    @Test
    void whenAllReplicasAreDownTheAttemptFailsAndTheNextResumesFromStagedChunks() throws Exception {
        TestSource a = source();
        String flaky = a.serveFlaky("f", content, CUT, 100, null);
        TestSource down = source();
        int port = down.port();
        String downUrl = down.serve("f", content, Behaviour.OK);
        down.close();

        assertThatThrownBy(() -> downloader.download(request(content, flaky, downUrl), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE))
                .hasMessageContaining("all 2 sources failed (4 tries)")
                .hasMessageContaining("connection refused")
                .hasMessageContaining(4 * CHUNK + " of " + SIZE + " bytes staged for the next attempt");
        assertThat(a.bytesSent()).as("the second try asks from where the first broke, and is cut at once").isEqualTo(CUT);

        a.close();
        TestSource back = new TestSource(port);
        sources.add(back);
        back.serve("f", content, Behaviour.OK);
        commit(downloader.download(request(content, flaky, downUrl), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(back.bytesSent()).as("the partial chunk was kept too").isEqualTo(SIZE - CUT);
        assertThat(a.bytesSent() + back.bytesSent()).isLessThanOrEqualTo(SIZE + 2 * CHUNK);
    }

    @Test
    void aRestartedWorkerResumesFromStagedChunksAndDropsWhatWasNotVerified() throws Exception {
        startWorker(1);
        TestSource a = source();
        String url = a.serveFlaky("f", content, CUT, 1, null);
        assertThatThrownBy(() -> downloader.download(request(content, url), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE));
        // a process killed mid-chunk leaves unverified bytes after the last sealed chunk
        Path data = stagingDirs().get(0).resolve("data");
        Files.write(data, new byte[10_000], StandardOpenOption.APPEND);

        downloader.close();
        startWorker(1);
        commit(downloader.download(request(content, url), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(a.bytesSent()).as("the junk is dropped, the CRC-checked partial chunk kept").isEqualTo(CUT + (SIZE - CUT));
        assertThat(registry.get("backup.worker.download.resumed.bytes").counter().count()).isEqualTo(4 * CHUNK);
    }

    @Test
    void aCorruptStagedChunkIsFetchedAgain() throws Exception {
        startWorker(1);
        TestSource a = source();
        String url = a.serveFlaky("f", content, CUT, 1, null);
        assertThatThrownBy(() -> downloader.download(request(content, url), ProgressListener.NONE))
                .isInstanceOf(DownloadException.class);
        Path data = stagingDirs().get(0).resolve("data");
        byte[] staged = Files.readAllBytes(data);
        staged[2 * CHUNK + 5] ^= 1;
        Files.write(data, staged);

        downloader.close();
        startWorker(1);
        commit(downloader.download(request(content, url), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(a.bytesSent()).as("only the corrupt chunk and the missing ones are fetched again")
                .isEqualTo(CUT + CHUNK + (SIZE - CUT));
    }

    @Test
    void aFullyStagedObjectIsHandedOverWithoutFetchingAgain() throws Exception {
        var area = new StagingArea(store.tempDirectory().resolveSibling("staging"), CHUNK, Duration.ofHours(1), Clock.systemUTC());
        StagedObject staged = area.open(request(content, "http://127.0.0.1:1/f"));
        staged.append(content, 0, content.length);
        staged.keep(); // as if the worker stopped between the last chunk and the commit
        TestSource a = source();
        String url = a.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(content, url), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(a.requests()).isZero();
        assertThat(stagingDirs()).isEmpty();
    }

    @Test
    void aSourceThatIgnoresRangesRestartsFromZero() throws Exception {
        TestSource a = source();
        TestSource b = source();
        String flaky = a.serveFlaky("f", content, CUT, 1, null);
        String whole = b.serve("f", content, Behaviour.NO_RANGES);

        commit(downloader.download(request(content, flaky, whole), ProgressListener.NONE));

        assertThat(stored(content)).isEqualTo(content);
        assertThat(b.bytesSent()).isEqualTo(SIZE);
    }

    /** A generous idle timeout: a loaded machine may keep a loopback answer waiting a while. */
    private void startWorker(int triesPerSource) {
        startWorker(triesPerSource, Duration.ofSeconds(3));
    }

    private void startWorker(int triesPerSource, Duration readIdleTimeout) {
        if (downloader != null) {
            downloader.close();
        }
        registry = new SimpleMeterRegistry();
        store = new BlobStore(dataDir, registry);
        var properties = new WorkerProperties(
                Path.of("unused"), 2, 0, List.of("127.0.0.1"), Duration.ofSeconds(1), readIdleTimeout,
                DataSize.ofMegabytes(10), Duration.ofMillis(100), 2, DataSize.ofKilobytes(16), Duration.ofSeconds(5),
                DataSize.ofBytes(CHUNK), Duration.ofHours(1), triesPerSource, Duration.ofMinutes(1));
        downloader = DownloadConfiguration.create(properties, store, registry);
    }

    private TestSource source() {
        TestSource source = new TestSource();
        sources.add(source);
        return source;
    }

    private static byte[] bytes(int seed) {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static DownloadRequest request(byte[] expected, String... urls) {
        return new DownloadRequest("photos/big.raw", expected.length, TestSource.sha256(expected), List.of(urls));
    }

    private static void commit(StagedBlob blob) throws Exception {
        try (blob) {
            blob.commit();
        }
    }

    private byte[] stored(byte[] expected) throws IOException {
        return store.content(TestSource.sha256(expected)).orElseThrow().readAll();
    }

    private List<Path> stagingDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(store.tempDirectory().resolveSibling("staging"))) {
            return dirs.toList();
        }
    }
}
