package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/** The HTTP downloader against a real source that misbehaves on cue, staging into a real store. */
class HttpDownloaderIntegrationTests {

    @TempDir
    Path dataDir;

    private final TestSource source = new TestSource();
    private final byte[] content = new byte[300_000];
    private BlobStore store;
    private HttpDownloader downloader;

    @BeforeEach
    void setUp() {
        new Random(42).nextBytes(content);
        store = new BlobStore(dataDir, new SimpleMeterRegistry());
        downloader = DownloadConfiguration.create(properties(List.of("127.0.0.1")), store, new SimpleMeterRegistry());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(readersAtWork()).isEmpty());
        downloader.close();
        assertThat(downloader.awaitReaders(Duration.ofSeconds(1))).isTrue();
        source.close();
    }

    /** Threads still inside a transfer's read-ahead: none may outlive its transfer. */
    static List<String> readersAtWork() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Stream.of(e.getValue()).anyMatch(f -> f.getClassName().equals(ReadAhead.class.getName())))
                .map(e -> e.getKey().getName())
                .toList();
    }

    static WorkerProperties properties(List<String> allowed) {
        return new WorkerProperties(
                Path.of("unused"), 2, 0, allowed, Duration.ofSeconds(1), Duration.ofMillis(500),
                DataSize.ofMegabytes(10), Duration.ofMillis(100), 2, DataSize.ofKilobytes(16), Duration.ofSeconds(5),
                DataSize.ofMegabytes(8), Duration.ofHours(24), 2, Duration.ofMinutes(1));
    }

    private DownloadRequest request(String... urls) {
        return new DownloadRequest("photos/a.jpg", content.length, TestSource.sha256(content), List.of(urls));
    }

    @Test
    void streamsVerifiesAndCommits() throws Exception {
        long[] lastProgress = {-1};
        try (StagedBlob staged = downloader.download(request(source.serve("a", content, Behaviour.OK)), (n, s) -> lastProgress[0] = n)) {
            assertThat(staged.sha256()).isEqualTo(TestSource.sha256(content));
            assertThat(staged.commit().alreadyPresent()).isFalse();
        }
        assertThat(lastProgress[0]).isEqualTo(content.length);
        assertThat(store.content(TestSource.sha256(content)).orElseThrow().readAll()).isEqualTo(content);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void followsARedirectToAnAllowedHost() throws Exception {
        try (StagedBlob staged = downloader.download(request(source.serve("r", content, Behaviour.REDIRECT_TO_OK)), ProgressListener.NONE)) {
            assertThat(staged.size()).isEqualTo(content.length);
        }
        assertThat(source.requests()).isEqualTo(2);
    }

    @Test
    void triesTheNextSourceWhenOneFails() throws Exception {
        String broken = source.serve("b", content, Behaviour.SERVER_ERROR);
        String good = source.serve("b", content, Behaviour.OK);
        try (StagedBlob staged = downloader.download(request(broken, good), ProgressListener.NONE)) {
            assertThat(staged.sha256()).isEqualTo(TestSource.sha256(content));
        }
        assertThat(tempFiles()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND, SOURCE_STATUS",
        "SERVER_ERROR, SOURCE_STATUS",
        "CUT_MID_BODY, SOURCE_UNAVAILABLE",
        "TOO_MANY_BYTES, SIZE_MISMATCH",
        "TOO_FEW_BYTES, SIZE_MISMATCH",
        "WRONG_BYTES, CHECKSUM_MISMATCH",
        "STALL_HEADERS, TIMEOUT",
        "STALL_BODY, TIMEOUT"
    })
    void classifiesFailuresAndLeavesNothingBehind(Behaviour behaviour, ErrorKind expected) throws IOException {
        String url = source.serve("f", content, behaviour);
        assertThatThrownBy(() -> downloader.download(request(url), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(expected))
                .hasMessageContaining(url);
        assertThat(store.contains(TestSource.sha256(content))).isFalse();
        assertThat(tempFiles()).isEmpty();
        assertThat(Thread.interrupted()).as("no interrupt leaks out of the transfer").isFalse();
        assertThat(readersAtWork()).as("the reader stopped with the transfer").isEmpty();
    }

    @Test
    void refusesSourcesOffTheAllowListWithoutConnecting() {
        String notListed = "http://localhost:" + source.port() + "/ok/x";
        assertThatThrownBy(() -> downloader.download(request(notListed, "file:///etc/passwd", "http://169.254.169.254/latest"), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_NOT_ALLOWED));
        assertThat(source.requests()).isZero();
    }

    @Test
    void refusesARedirectToAHostOffTheAllowList() {
        String url = source.serve("away", content, Behaviour.REDIRECT_AWAY);
        assertThatThrownBy(() -> downloader.download(request(url), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_NOT_ALLOWED))
                .hasMessageContaining("localhost");
        assertThat(source.requests()).isEqualTo(1);
    }

    @Test
    void refusesAHostWhoseAddressChangesBetweenTheCheckAndTheConnection() {
        downloader.close();
        AtomicInteger lookups = new AtomicInteger();
        downloader = DownloadConfiguration.create(properties(List.of("source.test")), store, new SimpleMeterRegistry(),
                host -> new InetAddress[] {InetAddress.getByName(lookups.incrementAndGet() == 1 ? "10.1.2.3" : "169.254.169.254")});
        String url = "http://source.test:" + source.port() + "/ok/x";
        assertThatThrownBy(() -> downloader.download(request(url), ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_NOT_ALLOWED))
                .hasMessageContaining("at connect time");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aFailureOnTheWritingSideStopsTheReaderAndLeavesNothingBehind() throws IOException {
        byte[] big = new byte[4 << 20];
        new Random(7).nextBytes(big);
        String url = source.serve("big", big, Behaviour.OK);
        var request = new DownloadRequest("k", big.length, TestSource.sha256(big), List.of(url));
        assertThatThrownBy(() -> downloader.download(request, (n, s) -> {
                    if (n > 100_000) {
                        throw new IllegalStateException("listener failed");
                    }
                }))
                .hasMessage("listener failed");
        assertThat(readersAtWork()).isEmpty();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void streamsABodyMuchLargerThanItsBuffers() throws Exception {
        byte[] big = new byte[3_000_001]; // not a multiple of the buffer size
        new Random(9).nextBytes(big);
        var request = new DownloadRequest("k", big.length, TestSource.sha256(big), List.of(source.serve("big", big, Behaviour.OK)));
        try (StagedBlob staged = downloader.download(request, ProgressListener.NONE)) {
            staged.commit();
        }
        assertThat(store.content(TestSource.sha256(big)).orElseThrow().readAll()).isEqualTo(big);
    }

    @Test
    void reusesTheConnectionForTheNextObject() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (StagedBlob staged = downloader.download(request(source.serve("a", content, Behaviour.OK)), ProgressListener.NONE)) {
                assertThat(staged.sha256()).isEqualTo(TestSource.sha256(content));
            }
        }
        assertThat(source.connections()).isEqualTo(1);
    }

    @Test
    void refusesObjectsOverTheSizeLimit() {
        var big = new DownloadRequest("k", DataSize.ofMegabytes(11).toBytes(), TestSource.sha256(content), List.of(source.url("/ok/x")));
        assertThatThrownBy(() -> downloader.download(big, ProgressListener.NONE))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SIZE_MISMATCH));
        assertThat(source.requests()).isZero();
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(store.tempDirectory())) {
            return files.toList();
        }
    }
}
