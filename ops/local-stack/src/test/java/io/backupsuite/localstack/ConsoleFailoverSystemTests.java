package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console drives a storage group of three worker processes (no configured auto-failover): {@code kill -9} of
 * the primary is followed by a failover the quasi-primary asks for and the console authorises; the killed member,
 * restarted, rejoins as a standby, catches up and counts again — it is not held out by the console's
 * {@code UNAVAILABLE} mark, which only says that the primary had stopped hearing from it.
 */
class ConsoleFailoverSystemTests {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static RunningStack stack;

    @RegisterExtension
    static final StackOnFailure ON_FAILURE = new StackOnFailure(() -> stack);

    private static GroupClient group;
    private static String sha;

    @BeforeAll
    static void startGroup() throws Exception {
        Path dir = Files.createTempDirectory("console-failover-system");
        StackOptions options = StackOptions.builder(LocalStackMain.repoRoot())
                .randomPorts()
                .dataDir(dir)
                .parts(EnumSet.of(PartKind.REDIS, PartKind.KAFKA, PartKind.CONSOLE, PartKind.WORKER))
                .extraArgs(PartKind.WORKER, "--backup.worker.replication.auto-failover-after=1h")
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

    @Test
    void theConsoleFailsOverAfterAKillAndTheKilledMemberRejoinsAsAStandby() throws Exception {
        await().atMost(PATIENCE).until(() -> group.primary().isPresent() && standbysReady(2));
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = "console-failover/before-" + i;
            // on a loaded machine a stalled primary may be replaced even before the kill: write to whoever leads now
            await().atMost(PATIENCE).until(() -> group.primary().map(p -> group.submit(p, key, sha, p.name()) == 200).orElse(false));
            acknowledged.add(key);
        }
        await().atMost(PATIENCE).until(() -> group.primary().isPresent() && standbysReady(2));
        Part first = group.primary().orElseThrow();

        first.kill();

        // only the console can choose the new primary here: the workers' own auto-failover is an hour away
        await().atMost(PATIENCE).until(() -> group.primary().filter(p -> p != first).isPresent());
        Part second = group.primary().orElseThrow();
        String key = "console-failover/after";
        await().atMost(PATIENCE).until(() -> group.submit(second, key, sha, second.name()) == 200);
        acknowledged.add(key);
        await().atMost(PATIENCE).until(() -> "UNAVAILABLE".equals(consoleRoles().get(first.name())));

        first.restart();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(standbysReady(2)).isTrue();
            assertThat(consoleRoles().get(first.name())).isIn("STANDBY", "QUASI_PRIMARY");
        });
        assertThat(group.status(first).orElseThrow().get("role").asString()).isNotEqualTo("PRIMARY");
        for (String k : acknowledged) {
            assertThat(group.has(second, k)).as(k).isTrue();
            await().atMost(PATIENCE).until(() -> group.has(first, k));
        }
    }

    /** Whether the primary sees this many standbys, each READY. */
    private static boolean standbysReady(int count) {
        return group.primary().flatMap(group::status).map(s -> {
            JsonNode standbys = s.get("standbys");
            return standbys.size() == count && StreamSupport.stream(standbys.spliterator(), false)
                    .allMatch(st -> "READY".equals(st.get("state").asString()));
        }).orElse(false);
    }

    /** The console's role table as node id → role. */
    private static Map<String, String> consoleRoles() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.console().url() + "/api/v1/roles?group=g1"))
                .header("Authorization", "Bearer " + stack.nodeToken()).GET().build();
        JsonNode table = JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        return StreamSupport.stream(table.get("nodes").spliterator(), false)
                .collect(Collectors.toMap(n -> n.get("nodeId").asString(), n -> n.get("role").asString()));
    }
}
