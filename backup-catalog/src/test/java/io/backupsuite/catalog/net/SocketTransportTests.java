package io.backupsuite.catalog.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backupsuite.catalog.log.EntryType;
import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.Messages.Outcome;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.replication.WireFormat;
import io.backupsuite.catalog.state.CatalogOp;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication socket protocol between real replicas on loopback: commits, refusals, broken and silent connections. */
class SocketTransportTests {

    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private SocketGroup group;

    @BeforeEach
    void start() throws IOException {
        group = new SocketGroup(dir);
    }

    @AfterEach
    void stop() throws IOException {
        group.close();
    }

    private static CatalogOp put(String key) {
        return CatalogOp.put(key, SHA, key.length(), "w1", 0);
    }

    private List<Committed> submitAll(Replica primary, String prefix, int n) throws Exception {
        List<CompletableFuture<Committed>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(primary.submit(put(prefix + i)));
        }
        List<Committed> done = new ArrayList<>();
        for (CompletableFuture<Committed> f : futures) {
            done.add(f.get(10, TimeUnit.SECONDS));
        }
        return done;
    }

    @Test
    void aGroupCommitsOverSocketsAndEveryMemberAppliesTheWrites() throws Exception {
        Replica primary = group.replica("w1");
        primary.promote(1).get(10, TimeUnit.SECONDS);

        List<Committed> done = submitAll(primary, "object-", 300);

        long last = done.stream().mapToLong(Committed::seq).max().orElseThrow();
        for (String id : List.of("w2", "w3")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> group.replica(id).appliedSeq() >= last);
            assertThat(group.replica(id).read("object-299")).isPresent();
        }
        assertThat(group.server("w2").openConnections()).isPositive();
        assertThat(group.server("w2").refusedConnections()).isZero();
    }

    @Test
    void aWrongTokenIsRefusedAndTheMemberIsUntouched() throws Exception {
        long epochBefore = group.replica("w2").status().epoch();
        try (var intruder = new SocketTransport(Map.of("w2", group.address("w2")), "not-the-token", Duration.ofSeconds(1))) {
            var append = new AppendRequest(9, "intruder", 0, 0, 0, List.of());

            assertThatThrownBy(() -> intruder.append("w2", append).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("refused the connection");
        }
        assertThat(group.server("w2").refusedConnections()).isEqualTo(1);
        assertThat(group.replica("w2").status().epoch()).isEqualTo(epochBefore);
    }

    @Test
    void aRequestBeforeTheGreetingIsRefusedAndTheConnectionClosed() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", group.address("w3").getPort())) {
            var out = new DataOutputStream(raw.getOutputStream());
            var in = new DataInputStream(raw.getInputStream());
            new Frame(Frame.PROMISE, 1, WireFormat.encode(new PromiseRequest(4, "intruder"))).writeTo(out);
            out.flush();

            Frame answer = Frame.readFrom(in);
            assertThat(answer.type()).isEqualTo(Frame.ERROR);
            assertThat(answer.text()).contains("node token refused");
            assertThatThrownBy(() -> Frame.readFrom(in)).isInstanceOf(EOFException.class);
        }
        assertThat(group.replica("w3").status().epoch()).isZero();
        assertThat(group.server("w3").refusedConnections()).isEqualTo(1);
    }

    @Test
    void aMalformedRequestIsAnsweredWithAnErrorAndTheConnectionStaysUsable() throws Exception {
        try (Socket raw = greeted("w2")) {
            var out = new DataOutputStream(raw.getOutputStream());
            var in = new DataInputStream(raw.getInputStream());
            new Frame(Frame.APPEND, 7, new byte[] {1, 2, 3}).writeTo(out);
            new Frame(Frame.TAKE_OVER, 8, new byte[] {1}).writeTo(out);
            new Frame((byte) 99, 9, new byte[0]).writeTo(out);
            new Frame(Frame.PROMISE, 10, WireFormat.encode(new PromiseRequest(0, "prober"))).writeTo(out);
            out.flush();

            Frame malformed = Frame.readFrom(in);
            assertThat(malformed.id()).isEqualTo(7);
            assertThat(malformed.type()).isEqualTo(Frame.ERROR);
            Frame takeOver = Frame.readFrom(in);
            assertThat(takeOver.id()).isEqualTo(8);
            assertThat(takeOver.text()).contains("8-byte epoch");
            Frame unknown = Frame.readFrom(in);
            assertThat(unknown.text()).contains("unknown request type 99");
            Frame promise = Frame.readFrom(in);
            assertThat(promise.id()).isEqualTo(10);
            assertThat(promise.type()).isEqualTo(Frame.REPLY);
            assertThat(WireFormat.promiseReply(promise.body()).granted()).isFalse();
        }
        assertThat(group.replica("w2").status().lastSeq()).isZero();
    }

    @Test
    void applicationRequestsAreAnsweredByTheirHandlerAndRefusalsLeaveTheConnectionUsable() throws Exception {
        byte echo = ServiceHandler.FIRST_TYPE;
        byte picky = (byte) (ServiceHandler.FIRST_TYPE + 1);
        group.server("w2").serve(echo, body -> CompletableFuture.completedFuture(("echo:" + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)));
        group.server("w2").serve(picky, body -> {
            if (body.length == 0) {
                throw new IllegalArgumentException("an empty body is malformed");
            }
            return CompletableFuture.failedFuture(new IllegalStateException("refused " + body.length + " bytes"));
        });
        assertThatThrownBy(() -> group.server("w2").serve(echo, body -> null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> group.server("w2").serve(Frame.APPEND, body -> null)).isInstanceOf(IllegalArgumentException.class);

        try (var transport = new SocketTransport(Map.of("w2", group.address("w2")), SocketGroup.TOKEN, Duration.ofSeconds(5))) {
            byte[] answer = transport.request("w2", echo, "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("echo:hi");
            assertThatThrownBy(() -> transport.request("w2", picky, new byte[0], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("an empty body is malformed");
            assertThatThrownBy(() -> transport.request("w2", picky, new byte[3], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("refused 3 bytes");
            assertThatThrownBy(() -> transport.request("w2", (byte) (ServiceHandler.FIRST_TYPE + 2), new byte[1], Duration.ofSeconds(5))
                    .get(5, TimeUnit.SECONDS)).hasMessageContaining("unknown request type");
            assertThatThrownBy(() -> transport.request("w2", Frame.PROMISE, new byte[1], Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class);
            // the same connection still answers
            assertThat(transport.request("w2", echo, new byte[0], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS)).hasSize(5);
        }
        assertThat(group.server("w2").refusedConnections()).isZero();
    }

    @Test
    void anOutOfOrderAppendIsRefusedByTheProtocolAndTheLogIsUntouched() throws Exception {
        Replica primary = group.replica("w1");
        primary.promote(1).get(10, TimeUnit.SECONDS);
        submitAll(primary, "held-", 5);
        long held = primary.status().lastSeq();
        await().atMost(Duration.ofSeconds(10)).until(() -> group.replica("w3").status().lastSeq() == held);
        byte[] op = put("hostile").encode();
        var gap = new AppendRequest(1, "w1", held + 10, 1, held + 12, List.of(new LogEntry(1, held + 11, EntryType.OPERATION, op)));
        try (Socket raw = greeted("w3")) {
            var out = new DataOutputStream(raw.getOutputStream());
            new Frame(Frame.APPEND, 1, WireFormat.encode(gap)).writeTo(out);
            new Frame(Frame.TAKE_OVER, 2, java.nio.ByteBuffer.allocate(8).putLong(1).array()).writeTo(out);
            out.flush();
            var in = new DataInputStream(raw.getInputStream());

            Frame reply = Frame.readFrom(in);
            assertThat(reply.type()).isEqualTo(Frame.REPLY);
            assertThat(WireFormat.appendReply(reply.body()).outcome()).isEqualTo(Outcome.MISMATCH);
            Frame staleTakeOver = Frame.readFrom(in);
            assertThat(staleTakeOver.type()).isEqualTo(Frame.ERROR);
            assertThat(staleTakeOver.text()).containsIgnoringCase("epoch");
        }
        assertThat(group.replica("w3").status().lastSeq()).isEqualTo(held);
        assertThat(group.replica("w3").read("hostile")).isEmpty();
        assertThat(group.replica("w3").isPrimary()).isFalse();
    }

    @Test
    void anAppendWaitingForItsBlobDoesNotHoldUpTheRequestsBehindIt() throws Exception {
        CountDownLatch fetched = new CountDownLatch(1);
        group.stop("w2");
        group.hooks.put("w2", new StandbyHook() {
            @Override
            public void beforeReady(List<CatalogOp> ops) throws Exception {
                fetched.await(10, TimeUnit.SECONDS); // a large blob on its way from the holder
            }
        });
        group.start("w2");
        byte[] op = put("large").encode();
        var append = new AppendRequest(1, "w1", 0, 0, 0, List.of(new LogEntry(1, 1, EntryType.OPERATION, op)));
        try (Socket raw = greeted("w2")) {
            var out = new DataOutputStream(raw.getOutputStream());
            new Frame(Frame.APPEND, 1, WireFormat.encode(append)).writeTo(out);
            new Frame(Frame.PROMISE, 2, WireFormat.encode(new PromiseRequest(0, "prober"))).writeTo(out);
            out.flush();
            var in = new DataInputStream(raw.getInputStream());

            Frame first = Frame.readFrom(in);
            assertThat(first.id()).as("the promise is answered while the append waits for its blob").isEqualTo(2);
            fetched.countDown();
            Frame second = Frame.readFrom(in);
            assertThat(second.id()).isEqualTo(1);
            assertThat(WireFormat.appendReply(second.body()).outcome()).isEqualTo(Outcome.READY);
        }
        assertThat(group.replica("w2").status().lastSeq()).isEqualTo(1);
    }

    @Test
    void aStandbyStreamingTheBlobsOfAnAppendIsGivenTheWriteTimeoutAndNotMarkedUnavailable() throws Exception {
        // the standbys hold a "large" blob only when the test lets them: past the standby timeout (250 ms), within the
        // write timeout (1.5 s)
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch fetched = new CountDownLatch(1);
        StandbyHook standby = new StandbyHook() {
            @Override
            public void beforeReady(List<CatalogOp> ops) throws Exception {
                if (ops.stream().anyMatch(op -> op.key().startsWith("large"))) {
                    fetches.incrementAndGet();
                    fetched.await(10, TimeUnit.SECONDS);
                }
            }
        };
        StandbyHook primaryHook = new StandbyHook() {
            @Override
            public void beforeReady(List<CatalogOp> ops) {
                // the primary holds what it sequences here
            }

            @Override
            public boolean mayStream(String standbyId, List<CatalogOp> ops) {
                return ops.stream().anyMatch(op -> op.key().startsWith("large"));
            }
        };
        for (String id : SocketGroup.MEMBERS) {
            group.stop(id);
            group.hooks.put(id, id.equals("w1") ? primaryHook : standby);
            group.start(id);
        }
        Replica primary = group.replica("w1");
        primary.promote(1).get(10, TimeUnit.SECONDS);

        CompletableFuture<Committed> write = primary.submit(put("large-0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 2);
        // timed out after the standby timeout, the append would be sent again and each standby would fetch again
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> fetches.get() == 2);
        fetched.countDown();

        assertThat(write.get(10, TimeUnit.SECONDS).record()).isPresent();
        assertThat(fetches.get()).as("one fetch per standby").isEqualTo(2);
        assertThat(primary.status().standbys()).allSatisfy(s -> assertThat(s.state()).isEqualTo("READY"));
        assertThat(primary.submit(put("small")).get(10, TimeUnit.SECONDS).record()).isPresent();
    }

    @Test
    void aFrameOverTheSizeLimitEndsTheConnectionWithoutReadingIt() throws Exception {
        try (Socket raw = greeted("w2")) {
            var out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(Frame.MAX_LENGTH + 1); // the member must not wait for (or allocate) the 16 MiB announced
            out.flush();

            assertThat(raw.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(group.replica("w2").status().lastSeq()).isZero();
    }

    @Test
    void aRestartedMemberIsReconnectedCatchesUpAndCountsTowardTheQuorumAgain() throws Exception {
        Replica primary = group.replica("w1");
        primary.promote(1).get(10, TimeUnit.SECONDS);
        submitAll(primary, "before-", 20);

        group.stop("w2");
        submitAll(primary, "while-away-", 20); // w3 is the quorum
        group.start("w2");
        await().atMost(Duration.ofSeconds(10)).until(() -> group.replica("w2").read("while-away-19").isPresent());

        group.stop("w3"); // now only the reconnected w2 can make a quorum
        List<Committed> after = submitAll(primary, "after-", 20);

        assertThat(after).hasSize(20);
        await().atMost(Duration.ofSeconds(10)).until(() -> group.replica("w2").read("after-19").isPresent());
    }

    @Test
    void aPlannedSwitchoverHandsOverThroughTheTakeOverRequest() throws Exception {
        Replica primary = group.replica("w1");
        primary.promote(1).get(10, TimeUnit.SECONDS);
        submitAll(primary, "x-", 10);

        primary.handOver("w2", 2).get(10, TimeUnit.SECONDS);

        Replica successor = group.replica("w2");
        await().atMost(Duration.ofSeconds(5)).until(successor::isPrimary);
        assertThat(successor.read("x-9")).isPresent();
        assertThat(submitAll(successor, "y-", 10)).allSatisfy(c -> assertThat(c.epoch()).isEqualTo(2));
    }

    @Test
    void aSilentMemberTimesOutAndItsConnectionIsReplaced() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket mute = new ServerSocket()) {
            mute.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> acceptAndGreetOnly(mute, connections));
            acceptor.setDaemon(true);
            acceptor.start();
            try (var transport = new SocketTransport(Map.of("mute", new InetSocketAddress("127.0.0.1", mute.getLocalPort())),
                    SocketGroup.TOKEN, Duration.ofMillis(300))) {
                var heartbeat = new AppendRequest(1, "w1", 0, 0, 0, List.of());

                assertThatThrownBy(() -> transport.append("mute", heartbeat).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
                assertThatThrownBy(() -> transport.append("mute", heartbeat).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);

                assertThat(connections.get()).isEqualTo(2);
            }
        }
    }

    @Test
    void aMemberThatIsDownFailsTheRequestAtOnceWithItsAddress() throws Exception {
        group.stop("w3");
        try (var transport = new SocketTransport(Map.of("w3", group.address("w3")), SocketGroup.TOKEN, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> transport.promise("w3", new PromiseRequest(1, "w1")).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("cannot connect to w3");
            assertThatThrownBy(() -> transport.promise("nobody", new PromiseRequest(1, "w1")).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("unknown group member nobody");
        }
    }

    /** A raw connection to a member that has presented the right token. */
    private Socket greeted(String id) throws IOException {
        Socket raw = new Socket("127.0.0.1", group.address(id).getPort());
        var out = new DataOutputStream(raw.getOutputStream());
        new Frame(Frame.HELLO, 0, SocketGroup.TOKEN.getBytes(StandardCharsets.UTF_8)).writeTo(out);
        out.flush();
        Frame welcome = Frame.readFrom(new DataInputStream(raw.getInputStream()));
        assertThat(welcome.type()).isEqualTo(Frame.REPLY);
        return raw;
    }

    /** A member that accepts the greeting and then never answers anything (a hung process). */
    private static void acceptAndGreetOnly(ServerSocket mute, AtomicInteger connections) {
        List<Socket> held = new ArrayList<>();
        try {
            while (true) {
                Socket s = mute.accept();
                held.add(s);
                connections.incrementAndGet();
                var in = new DataInputStream(s.getInputStream());
                var out = new DataOutputStream(s.getOutputStream());
                Frame hello = Frame.readFrom(in);
                new Frame(Frame.REPLY, hello.id(), new byte[0]).writeTo(out);
                out.flush();
            }
        } catch (IOException e) {
            // the test closed the listener
        }
    }
}
