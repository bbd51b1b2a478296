package io.backupsuite.worker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.replication.SubmitBatchCodec.Forwarded;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.PackDamage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's requests on the replication sockets against a real listener and a real primary on loopback:
 * blob batches, and forwarded writes with their blobs inline. Hostile or malformed requests are refused and
 * touch neither the blob store nor the log.
 */
class SocketRequestsTests {

    private static final String TOKEN = "socket-requests-token";
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ExecutorService committers = Executors.newFixedThreadPool(4);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private BlobStore primaryStore;
    private BlobStore forwarderStore;
    private Replica primary;
    private ReplicationServer server;
    private SocketTransport sockets;

    @BeforeEach
    void start() throws Exception {
        primaryStore = new BlobStore(dir.resolve("w1"), new SimpleMeterRegistry());
        forwarderStore = new BlobStore(dir.resolve("w2"), new SimpleMeterRegistry());
        var config = new ReplicaConfig("w1", List.of("w1"), 0, dir.resolve("w1/replication"), Duration.ofSeconds(2), Duration.ofMillis(500), 3,
                Duration.ofMillis(50), 512, 4, 1 << 20, 10_000);
        var commits = new BlobCommits(primaryStore, committers, meters);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        var http = new NodeHttp(Map.of("w1", java.net.URI.create("http://127.0.0.1:1")), TOKEN, WAIT);
        // the primary's blob check: a blob neither inline nor held is looked for among the members (none here) and the write fails
        var none = new SocketTransport(Map.of(), TOKEN, WAIT);
        var copies = new SourceCopies(null, primaryStore, Runnable::run, 0, none, "w1", List.of("w1"), WAIT, new SimpleMeterRegistry());
        var fetcher = new BlobFetcher(primaryStore, none, http, commits, copies, "w1", List.of("w1"), WAIT);
        primary = new Replica(config, new SocketTransport(Map.of(), TOKEN, WAIT), fetcher, ReplicaListener.NONE);
        primary.promote(1).get(10, TimeUnit.SECONDS);
        server = new ReplicationServer(new InetSocketAddress("127.0.0.1", port), TOKEN, primary, Duration.ofSeconds(5));
        server.serve(BlobBatch.REQUEST_TYPE, BlobBatch.service(primaryStore));
        server.serve(SubmitBatchCodec.REQUEST_TYPE, new ForwardedWrites(primary, commits, fetcher, WAIT));
        sockets = new SocketTransport(Map.of("w1", new InetSocketAddress("127.0.0.1", port)), TOKEN, WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        sockets.close();
        server.close();
        primary.close();
        committers.shutdownNow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static CatalogOp put(String key, byte[] content) {
        return CatalogOp.put(key, TestSource.sha256(content), content.length, "w2", 0);
    }

    private static void store(BlobStore store, byte[] content) throws Exception {
        try (var staged = store.stage()) {
            staged.write(content, 0, content.length);
            staged.commit();
        }
    }

    private byte[] request(byte type, byte[] body) throws Exception {
        return sockets.request("w1", type, body, WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void forwardedWritesBringTheirBlobsInlineAndTheBatcherGetsEachOutcome() throws Exception {
        byte[] first = bytes("first blob");
        byte[] second = bytes("second blob, a little longer");
        store(forwarderStore, first);
        store(forwarderStore, second);
        var batcher = new SubmitBatcher(sockets, forwarderStore, WAIT);

        var one = batcher.submit("w1", put("forwarded/one", first));
        var two = batcher.submit("w1", put("forwarded/two", second));
        assertThat(one.get(5, TimeUnit.SECONDS).record()).hasValueSatisfying(r -> assertThat(r.key()).isEqualTo("forwarded/one"));
        assertThat(two.get(5, TimeUnit.SECONDS).seq()).isNotEqualTo(one.get().seq());
        assertThat(primaryStore.contains(TestSource.sha256(first))).isTrue();
        assertThat(primaryStore.contains(TestSource.sha256(second))).isTrue();
        assertThat(meters.counter("backup.worker.replication.blobs.received", "outcome", "stored").count()).isEqualTo(2);
        assertThat(primary.read("forwarded/two")).hasValueSatisfying(r -> assertThat(r.sha256()).isEqualTo(TestSource.sha256(second)));
    }

    @Test
    void aWriteWhoseBlobIsNeitherInlineNorHeldAnywhereFailsAloneAndIsNotLogged() throws Exception {
        byte[] held = bytes("held by the forwarder");
        store(forwarderStore, held);
        var batcher = new SubmitBatcher(sockets, forwarderStore, WAIT);
        var good = batcher.submit("w1", put("forwarded/good", held));
        var orphan = batcher.submit("w1", put("forwarded/orphan", bytes("held by nobody")));

        assertThat(good.get(5, TimeUnit.SECONDS).record()).isPresent();
        assertThatThrownBy(() -> orphan.get(5, TimeUnit.SECONDS)).hasMessageContaining("not available");
        assertThat(primary.read("forwarded/orphan")).isEmpty();
    }

    @Test
    void inlineBytesThatDoNotMatchTheirEntryAreNeverStoredAndTheWriteFails() throws Exception {
        byte[] claimed = bytes("the content the entry names");
        byte[] forged = bytes("THE CONTENT THE ENTRY NAMES");
        long lastSeq = primary.status().lastSeq();
        byte[] answer = request(SubmitBatchCodec.REQUEST_TYPE,
                SubmitBatchCodec.encodeRequest(List.of(new Forwarded(put("forged/key", claimed), forged))));

        var outcomes = SubmitBatchCodec.decodeOutcomes(answer);
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(SubmitBatchCodec.FAILED));
        assertThat(primaryStore.contains(TestSource.sha256(claimed))).isFalse();
        assertThat(primaryStore.contains(TestSource.sha256(forged))).isFalse();
        assertThat(primary.read("forged/key")).isEmpty();
        assertThat(meters.counter("backup.worker.replication.blobs.received", "outcome", "rejected").count()).isEqualTo(1);
        assertThat(primary.status().lastSeq()).isEqualTo(lastSeq);
    }

    @Test
    void malformedOrOversizedForwardedBatchesAreRefusedAndTouchNothing() throws Exception {
        long lastSeq = primary.status().lastSeq();
        byte[] content = bytes("x");
        var op = put("hostile/key", content);
        byte[] big = new byte[SubmitBatchCodec.MAX_INLINE_BLOB + 1];
        var bigOp = CatalogOp.put("hostile/big", TestSource.sha256(big), big.length, "w2", 0);
        List<byte[]> hostile = List.of(
                new byte[] {0, 0, 0, 0},                                     // no writes
                new byte[] {0, 0, 0, 2, 0, 0, 0, 9, 1},                      // truncated
                withContentLength(op, 5, content),                             // inline length differs from the entry's size
                SubmitBatchCodec.encodeRequest(List.of(new Forwarded(bigOp, big))), // inline blob over the limit
                SubmitBatchCodec.encodeRequest(List.of(new Forwarded(CatalogOp.delete("hostile/delete", 0), content))));
        for (byte[] body : hostile) {
            assertThatThrownBy(() -> request(SubmitBatchCodec.REQUEST_TYPE, body)).hasMessageContaining("refused");
        }
        assertThat(primary.status().lastSeq()).isEqualTo(lastSeq);
        assertThat(primary.read("hostile/key")).isEmpty();
        assertThat(primaryStore.contains(TestSource.sha256(content))).isFalse();
        assertThat(primaryStore.contains(TestSource.sha256(big))).isFalse();
    }

    @Test
    void blobBatchesAnswerHeldBlobsInOrderAndRefuseBadNames() throws Exception {
        byte[] content = bytes("a small blob");
        store(primaryStore, content);
        String held = TestSource.sha256(content);
        String unheld = "0".repeat(64);

        var in = new DataInputStream(new java.io.ByteArrayInputStream(request(BlobBatch.REQUEST_TYPE, bytes(held + "\n" + unheld + "\n" + held + "\n"))));
        assertThat(in.readLong()).isEqualTo(content.length);
        assertThat(in.readNBytes(content.length)).isEqualTo(content);
        assertThat(in.readLong()).isEqualTo(BlobBatch.NOT_HELD);
        assertThat(in.readLong()).isEqualTo(content.length);
        assertThat(in.readNBytes(content.length)).isEqualTo(content);
        assertThat(in.available()).isZero();

        assertThatThrownBy(() -> request(BlobBatch.REQUEST_TYPE, bytes(held + "\n../etc/passwd"))).hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> request(BlobBatch.REQUEST_TYPE, bytes((held + "\n").repeat(BlobBatch.MAX_NAMES + 1))))
                .hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> request(BlobBatch.REQUEST_TYPE, new byte[0])).hasMessageContaining("between 1 and");
    }

    @Test
    void aBlobThatCannotBeReadIsAnsweredAsNotHeldAndTheOthersStillCome() throws Exception {
        byte[] good = bytes("a good blob");
        byte[] damaged = new byte[2_000];
        new java.util.Random(9).nextBytes(damaged);
        store(primaryStore, good);
        store(primaryStore, damaged);
        PackDamage.flipByteOf(dir.resolve("w1"), damaged, 500);

        var in = new DataInputStream(new java.io.ByteArrayInputStream(request(BlobBatch.REQUEST_TYPE,
                bytes(TestSource.sha256(damaged) + "\n" + TestSource.sha256(good) + "\n"))));
        assertThat(in.readLong()).isEqualTo(BlobBatch.NOT_HELD);
        assertThat(in.readLong()).isEqualTo(good.length);
        assertThat(in.readNBytes(good.length)).isEqualTo(good);
        assertThat(in.available()).isZero();
    }

    @Test
    void aMemberWithoutTheNodeTokenGetsNoBlobAndCommitsNothing() throws Exception {
        byte[] content = bytes("guarded");
        store(primaryStore, content);
        long lastSeq = primary.status().lastSeq();
        try (var intruder = new SocketTransport(Map.of("w1", new InetSocketAddress("127.0.0.1", server.port())), "wrong-token", WAIT)) {
            assertThatThrownBy(() -> intruder.request("w1", BlobBatch.REQUEST_TYPE, bytes(TestSource.sha256(content)), WAIT)
                    .get(5, TimeUnit.SECONDS)).hasMessageContaining("w1");
            byte[] other = bytes("smuggled");
            assertThatThrownBy(() -> intruder.request("w1", SubmitBatchCodec.REQUEST_TYPE,
                    SubmitBatchCodec.encodeRequest(List.of(new Forwarded(put("smuggled/key", other), other))), WAIT).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("w1");
            assertThat(primaryStore.contains(TestSource.sha256(other))).isFalse();
        }
        assertThat(server.refusedConnections()).isPositive();
        assertThat(primary.status().lastSeq()).isEqualTo(lastSeq);
    }

    /** A one-write request whose inline length field says {@code length} while {@code content} follows. */
    private static byte[] withContentLength(CatalogOp op, int length, byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            byte[] encoded = op.encode();
            out.writeInt(1);
            out.writeInt(encoded.length);
            out.write(encoded);
            out.writeInt(length);
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
