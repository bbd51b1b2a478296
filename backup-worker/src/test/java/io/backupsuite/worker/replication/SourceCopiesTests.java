package io.backupsuite.worker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.replication.SourceCopies.Answer;
import io.backupsuite.worker.replication.SourceCopies.Offer;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Second copies of large blobs taken from the upload service: a downloading member offers the copy over a real
 * replication socket, the offered member downloads from a real HTTP source with its own verified downloader into a
 * real store, and its blob fetch for the write then waits for that copy instead of asking the holder (which, here,
 * holds nothing and serves nothing).
 */
class SourceCopiesTests {

    private static final String TOKEN = "source-copies-token";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long MIN_SIZE = 100_000;

    @TempDir
    Path dir;

    private final TestSource source = new TestSource();
    private final ExecutorService copiers = Executors.newFixedThreadPool(SourceCopies.MAX_RUNNING);
    private final ExecutorService committers = Executors.newFixedThreadPool(2);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final byte[] content = new byte[300_000];
    private BlobStore store;
    private Downloader downloader;
    private SourceCopies copies;
    private Replica replica;
    private ReplicationServer server;
    private int port;
    private SocketTransport sockets;

    @BeforeEach
    void start() throws Exception {
        new Random(7).nextBytes(content);
        store = new BlobStore(dir.resolve("w1"), meters);
        downloader = Downloader.http(properties(), store, meters);
        copies = new SourceCopies(downloader, store, copiers, MIN_SIZE, new SocketTransport(Map.of(), TOKEN, WAIT), "w1",
                List.of("w1", "w2"), WAIT, meters);
        var config = new ReplicaConfig("w1", List.of("w1"), 0, dir.resolve("w1/replication"), Duration.ofSeconds(2), Duration.ofMillis(500), 3,
                Duration.ofMillis(50), 512, 4, 1 << 20, 10_000);
        replica = new Replica(config, new SocketTransport(Map.of(), TOKEN, WAIT), StandbyHook.NONE, ReplicaListener.NONE);
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = new ReplicationServer(new InetSocketAddress("127.0.0.1", port), TOKEN, replica, WAIT);
        server.serve(SourceCopies.REQUEST_TYPE, copies.handler());
        sockets = new SocketTransport(Map.of("w1", new InetSocketAddress("127.0.0.1", port)), TOKEN, WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        sockets.close();
        server.close();
        replica.close();
        copiers.shutdownNow();
        committers.shutdownNow();
        downloader.close();
        source.close();
    }

    private static WorkerProperties properties() {
        return new WorkerProperties(Path.of("unused"), 2, 0, List.of("127.0.0.1"), Duration.ofSeconds(1), Duration.ofMillis(500),
                DataSize.ofMegabytes(10), Duration.ofMillis(100), 2, DataSize.ofKilobytes(16), Duration.ofSeconds(5),
                DataSize.ofMegabytes(8), Duration.ofHours(24), 2, Duration.ofMinutes(1));
    }

    /** The downloading member w2, which offers copies to w1 (its primary, or its standby when w2 is the primary). */
    private SourceCopies downloadingMember(List<String> members, Map<String, InetSocketAddress> addresses) {
        var transport = new SocketTransport(addresses, TOKEN, WAIT);
        return new SourceCopies(null, new BlobStore(dir.resolve("w2"), meters), Runnable::run, MIN_SIZE, transport, "w2", members, WAIT, meters);
    }

    private Offer offer(String url) {
        return new Offer("videos/big.mp4", content.length, TestSource.sha256(content), List.of(url));
    }

    private CatalogOp op() {
        return CatalogOp.put("videos/big.mp4", TestSource.sha256(content), content.length, "w2", 0);
    }

    /** w1's blob fetch, whose only other member (w2, the holder) answers nothing at all. */
    private BlobFetcher fetcher() {
        var http = new NodeHttp(Map.of("w2", java.net.URI.create("http://127.0.0.1:1")), TOKEN, WAIT);
        return new BlobFetcher(store, new SocketTransport(Map.of(), TOKEN, WAIT), http, new BlobCommits(store, committers, meters), copies,
                "w1", List.of("w1", "w2"), WAIT);
    }

    private double outcome(String outcome) {
        var counter = meters.find("backup.worker.replication.source.copies").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theOfferedMemberCopiesFromTheSourceAndItsFetchWaitsForThatCopy() throws Exception {
        var origin = downloadingMember(List.of("w1", "w2"), Map.of("w1", new InetSocketAddress("127.0.0.1", port)));

        String url = source.serve("big", content, Behaviour.OK);
        String stalling = source.serve("big", content, Behaviour.STALL_BODY); // the copy fails over to the good replica after the idle timeout
        Answer answer = origin.offer(new Offer("videos/big.mp4", content.length, TestSource.sha256(content), List.of(stalling, url)), "w1")
                .get(10, TimeUnit.SECONDS);
        assertThat(copies.running()).isEqualTo(1);
        fetcher().beforeReady(List.of(op())); // the holder (w2) has nothing: only waiting for the copy can succeed

        assertThat(answer).isEqualTo(Answer.STARTED);
        assertThat(store.content(TestSource.sha256(content)).orElseThrow().readAll()).isEqualTo(content);
        assertThat(outcome("stored")).isEqualTo(1);
        assertThat(copies.running()).isZero();
        assertThat(origin.offer(offer(url), "w1").get(10, TimeUnit.SECONDS)).isEqualTo(Answer.HELD);
    }

    @Test
    void thePrimaryOffersItsCopyToTheNextStandbyWhenTheFirstIsDown() throws Exception {
        int down;
        try (ServerSocket probe = new ServerSocket(0)) {
            down = probe.getLocalPort();
        }
        var origin = downloadingMember(List.of("w2", "w3", "w1"),
                Map.of("w3", new InetSocketAddress("127.0.0.1", down), "w1", new InetSocketAddress("127.0.0.1", port)));

        Answer answer = origin.offer(offer(source.serve("big", content, Behaviour.OK)), "w2").get(10, TimeUnit.SECONDS);

        assertThat(answer).isEqualTo(Answer.STARTED);
        await().atMost(WAIT).until(() -> store.contains(TestSource.sha256(content)));
    }

    @Test
    void wrongBytesAtTheSourceAreNeverStoredAndTheFetchThenAsksTheMembers() throws Exception {
        assertThat(copies.accept(offer(source.serve("big", content, Behaviour.WRONG_BYTES)))).isEqualTo(Answer.STARTED);

        assertThat(copies.awaitCopy(TestSource.sha256(content), WAIT)).isFalse();
        assertThatThrownBy(() -> fetcher().beforeReady(List.of(op()))).isInstanceOf(IOException.class).hasMessageContaining("not available");
        assertThat(store.contains(TestSource.sha256(content))).isFalse();
        assertThat(outcome("failed")).isEqualTo(1);
        assertThat(copies.running()).isZero();
    }

    @Test
    void aSourceOutsideTheAllowListIsNeverAsked() throws Exception {
        String foreign = "http://169.254.169.254/latest/meta-data";
        assertThat(copies.accept(offer(foreign))).isEqualTo(Answer.STARTED);

        assertThat(copies.awaitCopy(TestSource.sha256(content), WAIT)).isFalse();
        assertThat(outcome("failed")).isEqualTo(1);
        assertThat(source.requests()).isZero();
    }

    @Test
    void offersBeyondTheRunningLimitAreDeclinedAndOneBlobIsCopiedOnce() throws Exception {
        byte[][] others = {new byte[200_000], new byte[200_001]};
        for (byte[] other : others) {
            new Random(other.length).nextBytes(other);
            String url = source.serve("stall" + other.length, other, Behaviour.STALL_BODY);
            assertThat(copies.accept(new Offer("k" + other.length, other.length, TestSource.sha256(other), List.of(url)))).isEqualTo(Answer.STARTED);
        }
        assertThat(copies.accept(new Offer("again", others[0].length, TestSource.sha256(others[0]), List.of(source.url("/x")))))
                .isEqualTo(Answer.RUNNING);
        String big = source.serve("big", content, Behaviour.OK);
        assertThat(copies.accept(offer(big))).isEqualTo(Answer.BUSY);
        assertThat(outcome("busy")).isEqualTo(1);
        assertThat(outcome("running")).isEqualTo(1);

        await().atMost(WAIT).until(() -> copies.running() == 0); // the stalled sources time out
        assertThat(copies.accept(offer(big))).isEqualTo(Answer.STARTED);
        assertThat(copies.awaitCopy(TestSource.sha256(content), WAIT)).isTrue();
    }

    @Test
    void smallObjectsAndAGroupOfOneOfferNothing() throws Exception {
        var origin = downloadingMember(List.of("w1", "w2"), Map.of("w1", new InetSocketAddress("127.0.0.1", port)));
        byte[] small = new byte[(int) MIN_SIZE - 1];
        var smallOffer = new Offer("small", small.length, TestSource.sha256(small), List.of(source.serve("small", small, Behaviour.OK)));
        assertThat(origin.offer(smallOffer, "w1").get(1, TimeUnit.SECONDS)).isNull();

        var alone = downloadingMember(List.of("w2"), Map.of());
        assertThat(alone.offer(offer(source.serve("big", content, Behaviour.OK)), "w2").get(1, TimeUnit.SECONDS)).isNull();
        assertThat(source.requests()).isZero();
        assertThat(copies.running()).isZero();
    }

    @Test
    void malformedOffersAreRefusedStartNothingAndLeaveTheConnectionUsable() throws Exception {
        String sha = TestSource.sha256(content);
        String url = source.serve("big", content, Behaviour.OK);
        List<byte[]> bodies = List.of(
                new byte[0],
                new byte[] {0, 5, 'a'},
                body("k", 10, "not-a-sha", List.of(url)),
                body("k", -1, sha, List.of(url)),
                body("", 10, sha, List.of(url)),
                body("k", 10, sha, List.of()),
                body("k", 10, sha, Collections.nCopies(SourceCopies.MAX_SOURCES + 1, url)),
                body("k".repeat(SourceCopies.MAX_KEY_BYTES + 1), 10, sha, List.of(url)),
                concat(body("k", 10, sha, List.of(url)), new byte[] {1}));
        for (byte[] bad : bodies) {
            assertThatThrownBy(() -> sockets.request("w1", SourceCopies.REQUEST_TYPE, bad, WAIT).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        assertThat(copies.running()).isZero();
        assertThat(source.requests()).isZero();

        byte[] good = SourceCopies.encode(offer(url));
        assertThat(SourceCopies.answer(sockets.request("w1", SourceCopies.REQUEST_TYPE, good, WAIT).get(10, TimeUnit.SECONDS)))
                .isEqualTo(Answer.STARTED);
        assertThat(copies.awaitCopy(sha, WAIT)).isTrue();
    }

    @Test
    void aWrongNodeTokenStartsNoCopy() throws Exception {
        try (var intruder = new SocketTransport(Map.of("w1", new InetSocketAddress("127.0.0.1", port)), "wrong", WAIT)) {
            byte[] body = SourceCopies.encode(offer(source.serve("big", content, Behaviour.OK)));
            assertThatThrownBy(() -> intruder.request("w1", SourceCopies.REQUEST_TYPE, body, WAIT).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        assertThat(copies.running()).isZero();
        assertThat(source.requests()).isZero();
    }

    private static byte[] body(String key, long size, String sha, List<String> sources) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeShort(key.length());
            out.writeBytes(key);
            out.writeLong(size);
            out.writeShort(sha.length());
            out.writeBytes(sha);
            out.writeByte(sources.size());
            for (String s : sources) {
                out.writeShort(s.length());
                out.writeBytes(s);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
