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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Chunk-by-chunk ranges: RFC 9530 Content-Digest per chunk, repair of a bad byte without digests,
 * and parallel ranges over several connections, against real sources on loopback that corrupt,
 * drop and stall on cue. Chunks of 64 KiB, a 1 MiB object (16 chunks).
 */
class ChunkedDownloadIntegrationTests {

    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 1 << 20;
    /** The corrupted byte: in chunk 6. */
    private static final int BAD = 6 * CHUNK + 1234;

    @TempDir
    Path dataDir;

    private final List<TestSource> sources = new ArrayList<>();
    private final byte[] content = bytes(1);
    private SimpleMeterRegistry registry;
    private BlobStore store;
    private HttpDownloader downloader;

    @AfterEach
    void tearDown() {
        if (downloader != null) {
            downloader.close();
        }
        sources.forEach(TestSource::close);
    }

    @Test
    void aCorruptByteFailsItsChunkDigestAndOnlyThatChunkIsFetchedFromAnotherReplica() throws Exception {
        startWorker(1, 2);
        TestSource a = source().sendDigests(true);
        TestSource b = source().sendDigests(true);
        String corrupt = a.serveCorrupt("f", content, BAD);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(corrupt, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(b.bytesSent()).as("only the bad chunk comes from B").isEqualTo(CHUNK);
        assertThat(a.bytesSent()).isEqualTo(SIZE);
        assertThat(registry.get("backup.worker.download.chunks.rejected").counter().count()).isEqualTo(1);
        assertThat(registry.get("backup.worker.download.chunks").tag("digest", "verified").counter().count()).isEqualTo(SIZE / CHUNK);
    }

    @Test
    void withoutDigestsABadByteIsCaughtByTheWholeFileHashAndMendedChunkByChunkFromAnotherReplica() throws Exception {
        startWorker(1, 2);
        TestSource a = source();
        TestSource b = source();
        String corrupt = a.serveCorrupt("f", content, BAD);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(corrupt, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(b.bytesSent()).as("chunks 0..6 fetched again, up to the bad one").isEqualTo(7L * CHUNK);
        assertThat(registry.get("backup.worker.download.chunks.repaired").counter().count()).isEqualTo(1);
    }

    @Test
    void aBadByteNoReplicaCanMendFailsTheAttemptAndNothingIsCommitted() throws Exception {
        startWorker(1, 2);
        TestSource a = source();
        String corrupt = a.serveCorrupt("f", content, BAD);

        assertThatThrownBy(() -> downloader.download(request(corrupt), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CHECKSUM_MISMATCH));

        assertThat(store.contains(TestSource.sha256(content))).isFalse();
        assertThat(stagingDirs()).as("wrong content is not kept for the next attempt").isEmpty();
    }

    @Test
    void aReplicaWhoseReprDigestNamesAnotherFileIsLeftForTheNext() throws Exception {
        startWorker(1, 2);
        TestSource a = source().sendDigests(true);
        TestSource b = source().sendDigests(true);
        String other = a.serve("f", bytes(9), Behaviour.OK);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(other, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(a.requests()).as("given up after its first answer").isEqualTo(1);
        assertThat(b.bytesSent()).isEqualTo(SIZE);
    }

    @Test
    void aLargeObjectIsFetchedOverSeveralConnectionsAtOnce() throws Exception {
        startWorker(4, 2);
        TestSource a = source().sendDigests(true);
        String url = a.serve("f", content, Behaviour.OK);
        RecordingProgress progress = new RecordingProgress();

        commit(downloader.download(request(url), progress));

        assertThat(stored()).isEqualTo(content);
        assertThat(a.bytesSent()).isEqualTo(SIZE);
        assertThat(a.requests()).isEqualTo(SIZE / CHUNK);
        assertThat(a.connections()).as("parallel connections").isBetween(2, 4);
        assertThat(registry.get("backup.worker.download.ranged").tag("connections", "4").counter().count()).isEqualTo(1);
        assertThat(progress.lastChunksVerified()).isEqualTo(SIZE / CHUNK);
        assertThat(progress.lastRanges()).containsExactly(new ProgressListener.Served(url, 0, SIZE));
    }

    @Test
    void inParallelADroppedConnectionCostsAtMostOneChunkAndAnotherReplicaTakesOver() throws Exception {
        startWorker(4, 1);
        TestSource a = source();
        TestSource b = source();
        String flaky = a.serveFlaky("f", content, 9L * CHUNK + 500, 1, null);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(flaky, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(a.bytesSent() + b.bytesSent()).isLessThanOrEqualTo(SIZE + CHUNK);
        assertThat(b.bytesSent()).as("B serves the rest of the chunk that broke, at least").isGreaterThanOrEqualTo(CHUNK - 500);
    }

    @Test
    void inParallelAStallingReplicaIsAbandonedAfterTheIdleTimeout() throws Exception {
        startWorker(4, 1, Duration.ofMillis(500));
        TestSource a = source();
        TestSource b = source();
        String stalling = a.serve("f", content, Behaviour.STALL_BODY);
        String good = b.serve("f", content, Behaviour.OK);

        commit(downloader.download(request(stalling, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(registry.get("backup.worker.download.failovers").counter().count()).isEqualTo(1);
    }

    @Test
    void chunksStagedOutOfOrderByAFailedParallelAttemptAreKeptAcrossARestart() throws Exception {
        startWorker(4, 1);
        TestSource a = source();
        String flaky = a.serveFlaky("f", content, 9L * CHUNK + 500, 100, null);
        assertThatThrownBy(() -> downloader.download(request(flaky), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE));
        Path data = stagingDirs().get(0).resolve("data");
        assertThat(Files.size(data)).as("chunks 0..8 at least, maybe some after 9").isGreaterThanOrEqualTo(9L * CHUNK);

        downloader.close();
        startWorker(4, 1);
        long sentBefore = a.bytesSent();
        TestSource b = source();
        String good = b.serve("f", content, Behaviour.OK);
        commit(downloader.download(request(flaky, good), ProgressListener.NONE));

        assertThat(stored()).isEqualTo(content);
        assertThat(b.bytesSent()).as("B serves the rest of the chunk A keeps cutting").isGreaterThanOrEqualTo(CHUNK - 500);
        assertThat(a.bytesSent() - sentBefore + b.bytesSent()).as("at most the chunks after 8, nothing twice")
                .isLessThanOrEqualTo(SIZE - 9L * CHUNK);
    }

    /** A generous idle timeout: on a loaded machine a parallel connection may wait for its answer a while. */
    private void startWorker(int parallelism, int triesPerSource) {
        startWorker(parallelism, triesPerSource, Duration.ofSeconds(3));
    }

    private void startWorker(int parallelism, int triesPerSource, Duration readIdleTimeout) {
        registry = new SimpleMeterRegistry();
        store = new BlobStore(dataDir, registry);
        var properties = new WorkerProperties(
                Path.of("unused"), 2, 0, List.of("127.0.0.1"), Duration.ofSeconds(1), readIdleTimeout,
                DataSize.ofMegabytes(10), Duration.ofMillis(100), 2, DataSize.ofKilobytes(16), Duration.ofSeconds(5),
                DataSize.ofBytes(CHUNK), Duration.ofHours(1), triesPerSource, Duration.ofMinutes(1));
        var download = new DownloadProperties(DataSize.ofBytes(SIZE), parallelism);
        downloader = DownloadConfiguration.create(properties, download, store, registry);
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

    private DownloadRequest request(String... urls) {
        return new DownloadRequest("photos/big.raw", SIZE, TestSource.sha256(content), List.of(urls));
    }

    private static void commit(StagedBlob blob) throws Exception {
        try (blob) {
            blob.commit();
        }
    }

    private byte[] stored() throws IOException {
        return store.content(TestSource.sha256(content)).orElseThrow().readAll();
    }

    private List<Path> stagingDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(store.tempDirectory().resolveSibling("staging"))) {
            return dirs.toList();
        }
    }
}
