package io.backupsuite.worker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's fetch of a large blob from its holder, streamed over real HTTP on loopback: a good copy is
 * committed; a corrupted byte, an overlong body, a missing blob or a wrong token leave nothing stored.
 */
class BlobFetcherTests {

    private static final String TOKEN = "fetcher-node-token";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ExecutorService committers = Executors.newFixedThreadPool(2);
    /** What the holder answers to a blob request: the bytes, or {@code null} for 404. */
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    /** Blobs the holder serves by name (before {@link #served}). */
    private final Map<String, byte[]> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService serving = Executors.newCachedThreadPool();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    /** When set, the holder answers the first requests only once as many as the latch counts are open at once. */
    private final AtomicReference<CountDownLatch> together = new AtomicReference<>();
    private HttpServer holder;
    private BlobStore store;
    private BlobFetcher fetcher;
    private SocketTransport sockets;

    @BeforeEach
    void start() throws IOException {
        holder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        holder.setExecutor(serving);
        holder.createContext("/internal/v1/blobs/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = byName.getOrDefault(path.substring(path.lastIndexOf('/') + 1), served.get());
            boolean authorised = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (!authorised || body == null) {
                exchange.sendResponseHeaders(authorised ? 404 : 403, -1);
            } else {
                int now = active.incrementAndGet();
                mostAtOnce.accumulateAndGet(now, Math::max);
                try {
                    CountDownLatch meet = together.get();
                    if (meet != null) { // answers only once that many requests are open at once (or 5 s passed)
                        meet.countDown();
                        meet.await(5, TimeUnit.SECONDS);
                    }
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    active.decrementAndGet();
                }
            }
            exchange.close();
        });
        holder.start();
        store = new BlobStore(dir.resolve("w1"), new SimpleMeterRegistry());
        sockets = new SocketTransport(Map.of(), TOKEN, WAIT);
        fetcher = fetcher(TOKEN);
    }

    private BlobFetcher fetcher(String token) {
        var http = new NodeHttp(Map.of("w2", URI.create("http://127.0.0.1:" + holder.getAddress().getPort())), token, WAIT);
        var copies = new SourceCopies(null, store, Runnable::run, 0, sockets, "w1", List.of("w1", "w2"), WAIT, new SimpleMeterRegistry());
        return new BlobFetcher(store, sockets, http, new BlobCommits(store, committers, new SimpleMeterRegistry()), copies, "w1", List.of("w1", "w2"), WAIT);
    }

    @AfterEach
    void stop() {
        holder.stop(0);
        serving.shutdownNow();
        sockets.close();
        committers.shutdownNow();
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static CatalogOp put(byte[] content) {
        return CatalogOp.put("large/key", TestSource.sha256(content), content.length, "w2", 0);
    }

    private void assertNothingStored(byte[] content) throws IOException {
        assertThat(store.contains(TestSource.sha256(content))).isFalse();
        try (Stream<Path> tmp = Files.list(dir.resolve("w1/tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void aLargeBlobIsStreamedFromItsHolderVerifiedAndCommitted() throws Exception {
        byte[] content = content((int) BlobBatch.MAX_BLOB_BYTES * 3 + 12_345); // past the batch limit: streamed
        served.set(content);
        fetcher.beforeReady(List.of(put(content)));
        Path stored = store.path(TestSource.sha256(content)).orElseThrow();
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
    }

    @Test
    void theStreamedBlobsOfOneAppendAreFetchedSeveralAtOnceAndOneMissingFailsItAlone() throws Exception {
        together.set(new CountDownLatch(2));
        List<CatalogOp> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] blob = content((int) BlobBatch.MAX_BLOB_BYTES + 1000 + i); // past the batch limit: streamed
            byName.put(TestSource.sha256(blob), blob);
            ops.add(CatalogOp.put("medium/" + i, TestSource.sha256(blob), blob.length, "w2", 0));
        }
        byte[] missing = content(3 << 20); // the holder has lost this one

        assertThatThrownBy(() -> fetcher.beforeReady(concat(ops, put(missing)))).hasMessageContaining("not available");
        assertThat(mostAtOnce.get()).as("requests to the holder at once").isBetween(2, 4);
        for (CatalogOp op : ops) {
            assertThat(store.contains(op.sha256())).as(op.key()).isTrue();
        }
        assertNothingStored(missing);
        assertThat(fetcher.mayStream("w3", ops)).as("a standby that holds none of them streams").isTrue();
        assertThat(fetcher.mayStream("w2", ops)).as("the holder itself streams nothing").isFalse();
        assertThat(fetcher.mayStream("w3", List.of(put(content(1000)))))
                .as("a small blob comes in a batch").isFalse();
    }

    private static List<CatalogOp> concat(List<CatalogOp> ops, CatalogOp last) {
        List<CatalogOp> all = new java.util.ArrayList<>(ops);
        all.add(last);
        return all;
    }

    @Test
    void aCorruptedByteIsCaughtAndNothingIsStored() throws Exception {
        byte[] content = content(5 << 20);
        byte[] corrupted = content.clone();
        corrupted[corrupted.length / 2] ^= 1;
        served.set(corrupted);
        assertThatThrownBy(() -> fetcher.beforeReady(List.of(put(content))))
                .isInstanceOf(IOException.class).hasMessageContaining("not available").hasMessageContaining("SHA-256");
        assertNothingStored(content);
    }

    @Test
    void aBodyLongerThanTheEntryIsCutOffAndNothingIsStored() throws Exception {
        byte[] content = content(3 << 20);
        byte[] longer = java.util.Arrays.copyOf(content, content.length + 4096);
        served.set(longer);
        assertThatThrownBy(() -> fetcher.beforeReady(List.of(put(content)))).isInstanceOf(IOException.class);
        assertNothingStored(content);
    }

    @Test
    void aBlobTheHolderDoesNotHaveOrWillNotServeIsReportedAsNotAvailable() throws Exception {
        byte[] content = content(2 << 20);
        served.set(null);
        assertThatThrownBy(() -> fetcher.beforeReady(List.of(put(content)))).hasMessageContaining("w2: not held");
        served.set(content);
        assertThatThrownBy(() -> fetcher("wrong-token").beforeReady(List.of(put(content)))).hasMessageContaining("w2: not held");
        assertNothingStored(content);
    }
}
