package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replicated catalog (M1) of three real worker processes on loopback with real disks: crash of
 * the primary after acknowledged writes, standbys down and back, a standby frozen beyond the time
 * threshold, a deposed primary frozen and resumed. Automatic failover and the configured initial
 * primary are off, so every promotion here is the explicit promote operation.
 */
class ReplicationSystemTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private static Path dir;
    private static RunningStack stack;

    @RegisterExtension
    static final StackOnFailure ON_FAILURE = new StackOnFailure(() -> stack);

    private static GroupClient group;
    private static String sha;
    private static int counter;

    @BeforeAll
    static void startGroup() throws Exception {
        dir = Files.createTempDirectory("replication-system");
        StackOptions options = StackOptions.builder(LocalStackMain.repoRoot())
                .randomPorts()
                .dataDir(dir)
                .parts(EnumSet.of(PartKind.REDIS, PartKind.KAFKA, PartKind.WORKER))
                .extraArgs(PartKind.WORKER,
                        "--backup.worker.replication.auto-failover-after=1h",
                        "--backup.worker.replication.initial-role=STANDBY",
                        "--backup.worker.replication.write-timeout=3s",
                        "--backup.worker.replication.standby-timeout=500ms")
                .build();
        stack = LocalStack.start(options, System.out::println);
        group = new GroupClient(stack);
        sha = GroupClient.placeBlob(dir, 3, "hello".getBytes());
    }

    @AfterAll
    static void stopGroup() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Every test starts from a whole group with a primary that accepts writes. */
    @BeforeEach
    void wholeGroup() throws Exception {
        for (Part w : stack.workers()) {
            w.resume();
            if (!w.isAlive()) {
                w.restart();
            }
        }
        // a promotion may fail on a loaded machine (promises not back in time): try again with a newer epoch
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (group.primary().isEmpty()) {
                long epoch = stack.workers().stream().mapToLong(w -> group.status(w).map(st -> st.get("epoch").asLong()).orElse(0L)).max().orElse(0);
                group.promote(stack.worker(1), epoch + 1);
            }
            return group.primary().isPresent()
                    && group.status(group.primary().get()).orElseThrow().get("standbys").findValues("state").stream()
                            .allMatch(st -> "READY".equals(st.asString()));
        });
    }

    private static String key(String prefix) {
        return prefix + "-" + (++counter);
    }

    private static Part other(Part a, Part b) {
        return stack.workers().stream().filter(w -> w != a && w != b).findFirst().orElseThrow();
    }

    @Test
    void theMembersTalkOverTheirReplicationSocketsWhichTurnAwayAWrongToken() throws Exception {
        Part worker = stack.worker(2);
        Matcher listening = Pattern.compile("Replication protocol listens on ([0-9.]+):([0-9]+)").matcher(Files.readString(worker.logFile()));
        assertThat(listening.find()).as("the worker logs its replication address").isTrue();
        double refusedBefore = metric(worker, "backup_worker_replication_connections_refused_total");
        assertThat(metric(worker, "backup_worker_replication_connections")).as("connections from the other members").isGreaterThanOrEqualTo(1);

        try (Socket intruder = new Socket(listening.group(1), Integer.parseInt(listening.group(2)))) {
            var out = new DataOutputStream(intruder.getOutputStream());
            byte[] token = "not-the-node-token".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(1 + Long.BYTES + token.length); // a greeting frame: length, type 1, id, token
            out.writeByte(1);
            out.writeLong(0);
            out.write(token);
            out.flush();
            var in = new DataInputStream(intruder.getInputStream());
            int length = in.readInt();
            assertThat(in.readByte()).as("an error frame").isEqualTo((byte) 65);
            in.readLong();
            byte[] why = in.readNBytes(length - 1 - Long.BYTES);
            assertThat(new String(why, java.nio.charset.StandardCharsets.UTF_8)).contains("node token refused");
            assertThat(in.read()).as("the connection is closed").isEqualTo(-1);
        }
        assertThat(metric(worker, "backup_worker_replication_connections_refused_total")).isEqualTo(refusedBefore + 1);
        Part primary = group.primary().orElseThrow();
        assertThat(group.submit(primary, key("after-intruder"), sha, primary.name())).isEqualTo(200);
    }

    private static double metric(Part worker, String name) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(worker.url() + "/actuator/prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        assertThat(m.find()).as(name + " is exported").isTrue();
        return Double.parseDouble(m.group(2));
    }

    @Test
    void everyAcknowledgedWriteSurvivesAKillOfThePrimaryAndAPromotion() throws Exception {
        Part primary = group.primary().orElseThrow();
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String k = key("acked");
            writes.add(pool.submit(() -> {
                if (group.submit(primary, k, sha, primary.name()) == 200) {
                    acked.add(k);
                }
            }));
        }
        for (Future<?> f : writes) {
            f.get();
        }
        pool.shutdown();
        primary.kill(); // right after the acknowledgements
        assertThat(acked).hasSize(200);

        Part next = other(primary, stack.workers().stream().filter(w -> w != primary).findFirst().orElseThrow());
        long epoch = group.epoch(next) + 1;
        assertThat(group.promote(next, epoch).statusCode()).isEqualTo(200);
        Part third = other(primary, next);
        for (Part member : List.of(next, third)) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                for (String k : acked) {
                    assertThat(group.has(member, k)).as(k + " on " + member.name()).isTrue();
                }
            });
        }
        primary.restart(); // it rejoins as a standby and catches up
        await().atMost(PATIENCE).until(() -> group.status(primary).map(s -> !"PRIMARY".equals(s.get("role").asString())
                && s.get("commitSeq").asLong() >= group.status(next).orElseThrow().get("commitSeq").asLong()).orElse(false));
        for (String k : acked) {
            assertThat(group.has(primary, k)).isTrue();
        }
    }

    @Test
    void writesGoOnWithOneStandbyDownFailClearlyWithBothDownAndResumeWhenTheyReturn() throws Exception {
        Part primary = group.primary().orElseThrow();
        List<Part> standbys = stack.workers().stream().filter(w -> w != primary).toList();
        standbys.get(0).kill();
        String withOne = key("one-down");
        assertThat(group.submit(primary, withOne, sha, primary.name())).isEqualTo(200);

        standbys.get(1).kill();
        String lost = key("both-down");
        assertThat(group.submit(primary, lost, sha, primary.name())).isEqualTo(503);
        await().atMost(PATIENCE).until(() -> !group.status(primary).orElseThrow().get("acceptingWrites").asBoolean());
        String refused = key("refused");
        assertThat(group.submit(primary, refused, sha, primary.name())).isEqualTo(503);
        assertThat(group.has(primary, lost)).isFalse();
        assertThat(group.has(primary, refused)).isFalse();

        standbys.forEach(Part::restart);
        await().atMost(PATIENCE).until(() -> group.status(primary).orElseThrow().get("acceptingWrites").asBoolean());
        String after = key("after");
        assertThat(group.submit(primary, after, sha, primary.name())).isEqualTo(200);
        for (Part s : standbys) {
            await().atMost(PATIENCE).until(() -> group.has(s, after));
            assertThat(group.has(s, withOne)).isTrue();
            assertThat(group.has(s, lost)).isFalse();
        }
        assertThat(group.has(primary, lost)).isFalse();
    }

    @Test
    void aStandbyFrozenBeyondTheThresholdDoesNotStopCommitsAndCatchesUp() throws Exception {
        Part primary = group.primary().orElseThrow();
        Part frozen = stack.workers().stream().filter(w -> w != primary).findFirst().orElseThrow();
        frozen.pause();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = key("frozen");
            assertThat(group.submit(primary, k, sha, primary.name())).isEqualTo(200);
            keys.add(k);
        }
        frozen.resume();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(group.has(frozen, keys.get(keys.size() - 1))).isTrue());
    }

    @Test
    void aDeposedPrimaryCannotCommitAndItsUncommittedTailIsCutWhenItReturns() throws Exception {
        Part old = group.primary().orElseThrow();
        List<Part> standbys = stack.workers().stream().filter(w -> w != old).toList();
        standbys.forEach(Part::kill);
        String orphan = key("orphan");
        assertThat(group.submit(old, orphan, sha, old.name())).isEqualTo(503); // logged on the old primary only, rolled back
        long oldLast = group.status(old).orElseThrow().get("lastSeq").asLong();
        old.pause();
        standbys.forEach(Part::restart);
        Part next = standbys.get(0);
        long epoch = Math.max(group.epoch(next), group.epoch(standbys.get(1))) + 1;
        assertThat(group.promote(next, epoch).statusCode()).isEqualTo(200);
        String fresh = key("fresh");
        assertThat(group.submit(next, fresh, sha, next.name())).isEqualTo(200);

        old.resume();
        int status = group.submit(old, key("from-deposed"), sha, old.name());
        assertThat(status).isIn(409, 503);
        await().atMost(PATIENCE).until(() -> group.status(old).map(s -> s.get("epoch").asLong() >= epoch
                && "STANDBY".equals(s.get("role").asString()) && s.get("lastEpoch").asLong() == epoch).orElse(false));
        await().atMost(PATIENCE).until(() -> group.has(old, fresh));
        assertThat(group.status(old).orElseThrow().get("lastSeq").asLong()).isGreaterThanOrEqualTo(oldLast - 1);
        for (Part w : stack.workers()) {
            assertThat(group.has(w, orphan)).as("rolled-back write on " + w.name()).isFalse();
        }
    }

}
