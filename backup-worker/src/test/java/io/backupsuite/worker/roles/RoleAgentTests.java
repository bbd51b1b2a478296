package io.backupsuite.worker.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.replication.ReplicationControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The role agent's rounds against a console answering over real HTTP on loopback, with an in-memory
 * replication seam: what it reports, when it asks for a failover, that it promotes in the epoch it was given.
 */
class RoleAgentTests {

    private static final RoleTable TABLE = new RoleTable(7, List.of(
            new RoleAssignment("w1", "g1", GroupRole.QUASI_PRIMARY, 1, "http://127.0.0.1:1", false)));

    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final SeamStub replication = new SeamStub();
    private HttpServer console;
    private RoleAgent agent;

    @BeforeEach
    void start() throws Exception {
        console = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        console.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            replication.askedForFailover |= path.endsWith("/failover");
            requests.add(path + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = answers.getOrDefault(path, "{}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(statuses.getOrDefault(path, 200), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        console.start();
        answers.put("/api/v1/roles", "{\"version\":7,\"nodes\":[{\"nodeId\":\"w1\",\"group\":\"g1\",\"role\":\"QUASI_PRIMARY\","
                + "\"epoch\":1,\"address\":\"http://127.0.0.1:1\"}]}");
        agent = agent(Duration.ofMillis(300));
    }

    private RoleAgent agent(Duration failureTimeout) {
        var settings = new RolesProperties(true, Duration.ofMillis(1), Duration.ofMillis(1), failureTimeout,
                Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2));
        var client = new ConsoleClient(URI.create("http://127.0.0.1:" + console.getAddress().getPort()), "node-token",
                Duration.ofSeconds(2));
        return new RoleAgent(replication, client, new WorkerNode("w1", "g1", "http://127.0.0.1:1"), settings,
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        console.stop(0);
    }

    @Test
    void reportsItsStatusWithTheNodeTokenAndPullsTheTable() throws Exception {
        grant(false);
        agent.tick();

        assertThat(requests).anySatisfy(r -> assertThat(r)
                .startsWith("/api/v1/groups/g1/quasi-primary {").contains("\"address\":\"http://127.0.0.1:1\"")
                .contains("\"nodeId\":\"w1\"").endsWith("Bearer node-token"));
        assertThat(replication.applied).extracting(RoleTable::version).containsExactly(7L);
    }

    @Test
    void theQuasiPrimaryPromotesInTheAuthorisedEpochOnceItsPrimaryIsSilentAndReportsAtOnce() throws Exception {
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 100;
        agent.tick();
        assertThat(replication.promotedIn).isEmpty(); // primary heard 100 ms ago: nothing to do

        replication.silentFor = 301;
        // silence counts only once the grant is a failure timeout old; keep ticking until the agent acts
        await().atMost(Duration.ofSeconds(10)).until(this::tickUntilPromoted);

        assertThat(replication.promotedIn).containsExactly(5L);
        assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("/api/v1/groups/g1/failover")
                .contains("\"candidate\":\"w1\"").contains("\"observedEpoch\":1"));
        assertThat(requests.get(requests.size() - 1)).startsWith("/api/v1/groups/g1/quasi-primary").contains("\"PRIMARY\"");
    }

    @Test
    void aStandbyThatIsNotQuasiPrimaryNeverAsksForFailover() throws Exception {
        grant(false);
        replication.silentFor = 10_000;
        agent.tick();
        agent.tick();

        assertThat(requests).noneSatisfy(r -> assertThat(r).startsWith("/api/v1/groups/g1/failover"));
        assertThat(replication.promotedIn).isEmpty();
    }

    @Test
    void aRefusedFailoverAppliesTheTableItCameWithAndPromotesNothing() throws Exception {
        grant(true);
        statuses.put("/api/v1/groups/g1/failover", 409);
        answers.put("/api/v1/groups/g1/failover", "{\"type\":\"urn:backup-suite:problem:stale-epoch\",\"epoch\":9,"
                + "\"table\":{\"version\":12,\"nodes\":[]}}");
        replication.silentFor = 10_000;

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            agent.tick();
            return replication.applied.stream().anyMatch(t -> t.version() == 12);
        });

        assertThat(replication.promotedIn).isEmpty();
    }

    @Test
    void aPrimaryHeardAgainWhileTheConsoleAnsweredIsNotReplaced() throws Exception {
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 10_000;
        replication.heardAgainAfterAsking = true;

        await().atMost(Duration.ofSeconds(10)).until(
                () -> requests.stream().anyMatch(r -> r.startsWith("/api/v1/groups/g1/failover")) || tickAndFalse());

        assertThat(replication.promotedIn).isEmpty();
    }

    @Test
    void aPrimaryWhosePortRefusesConnectionsIsReplacedWithoutWaitingOutTheFailureTimeout() throws Exception {
        agent = agent(Duration.ofHours(1));
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 100; // three heartbeats missed, far from the hour of the failure timeout
        replication.primary = closedPort();
        agent.tick(); // the grant: silence counts from here

        await().atMost(Duration.ofSeconds(10)).until(this::tickUntilPromoted);

        assertThat(replication.promotedIn).containsExactly(5L);
    }

    @Test
    void aStalledPrimaryThatStillAcceptsConnectionsIsNotReplacedBeforeTheFailureTimeout() throws Exception {
        agent = agent(Duration.ofMillis(500));
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 400;
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // listens, never answers
            replication.primary = URI.create("http://127.0.0.1:" + stalled.getLocalPort());
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                agent.tick(); // a second of rounds: long past the grant's quiet period, the probe runs every round
            }

            assertThat(replication.promotedIn).isEmpty();
            assertThat(requests).noneSatisfy(r -> assertThat(r).startsWith("/api/v1/groups/g1/failover"));
        }
    }

    @Test
    void aPrimarySilentTowardsThisMemberThatAnswersThatItLeadsIsNotReplaced() throws Exception {
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 10_000;
        HttpServer primary = primaryAnswering(true);
        try {
            replication.primary = URI.create("http://127.0.0.1:" + primary.getAddress().getPort());
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                agent.tick(); // a second of rounds, the failure timeout long past
            }
        } finally {
            primary.stop(0);
        }

        assertThat(replication.promotedIn).isEmpty();
        assertThat(requests).noneSatisfy(r -> assertThat(r).startsWith("/api/v1/groups/g1/failover"));
    }

    @Test
    void aSilentPrimaryThatNoLongerTakesWritesIsReplaced() throws Exception {
        grant(true);
        answers.put("/api/v1/groups/g1/failover", "{\"epoch\":5}");
        replication.silentFor = 10_000;
        HttpServer primary = primaryAnswering(false);
        try {
            replication.primary = URI.create("http://127.0.0.1:" + primary.getAddress().getPort());

            await().atMost(Duration.ofSeconds(10)).until(this::tickUntilPromoted);
        } finally {
            primary.stop(0);
        }

        assertThat(replication.promotedIn).containsExactly(5L);
    }

    /** A primary's status endpoint on loopback: primary of epoch 1, taking writes or not; checks the node token. */
    private static HttpServer primaryAnswering(boolean acceptingWrites) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/replication/status", exchange -> {
            boolean node = "Bearer node-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"nodeId\":\"w0\",\"group\":\"g1\",\"role\":\"PRIMARY\",\"epoch\":1,\"lastEpoch\":1,"
                    + "\"lastSeq\":10,\"commitSeq\":10,\"primaryId\":\"w0\",\"acceptingWrites\":" + acceptingWrites
                    + ",\"standbys\":[]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(node ? 200 : 401, node ? body.length : -1);
            if (node) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    /** The address of a loopback port nothing listens on. */
    private static URI closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    private boolean tickUntilPromoted() throws InterruptedException {
        agent.tick();
        return !replication.promotedIn.isEmpty();
    }

    private boolean tickAndFalse() throws InterruptedException {
        agent.tick();
        return false;
    }

    private void grant(boolean granted) {
        answers.put("/api/v1/groups/g1/quasi-primary", "{\"granted\":" + granted + ",\"quasiPrimary\":\"w1\",\"epoch\":1,"
                + "\"version\":7,\"stale\":false}");
    }

    /** The replication seam, in memory: a standby in epoch 1 whose primary is silent for a settable time. */
    private static final class SeamStub implements ReplicationControl {
        final List<Long> promotedIn = new CopyOnWriteArrayList<>();
        final List<RoleTable> applied = new CopyOnWriteArrayList<>();
        volatile long silentFor;
        /** Once the agent asked the console for a failover, the primary is heard from again. */
        volatile boolean heardAgainAfterAsking;
        volatile boolean askedForFailover;
        volatile GroupRole role = GroupRole.STANDBY;
        volatile long epoch = 1;
        volatile URI primary;

        @Override
        public ReplicationStatus status() {
            return new ReplicationStatus("w1", "g1", role, epoch, 1, 10, 10, null, role == GroupRole.PRIMARY, List.of());
        }

        @Override
        public CompletableFuture<ReplicationStatus> promote(long newEpoch) {
            promotedIn.add(newEpoch);
            role = GroupRole.PRIMARY;
            epoch = newEpoch;
            return CompletableFuture.completedFuture(status());
        }

        @Override
        public CompletableFuture<io.backupsuite.common.wire.HandoverOutcome> handOver(String targetNodeId, long newEpoch) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public boolean applyRoleTable(RoleTable table) {
            applied.add(table);
            return true;
        }

        @Override
        public long roleTableVersion() {
            return applied.isEmpty() ? 0 : applied.get(applied.size() - 1).version();
        }

        @Override
        public void setAvailable(String nodeId, boolean available) {}

        @Override
        public Optional<URI> primaryAddress() {
            return Optional.ofNullable(primary);
        }

        @Override
        public long millisSincePrimaryContact() {
            return heardAgainAfterAsking && askedForFailover ? 5 : silentFor;
        }
    }
}
