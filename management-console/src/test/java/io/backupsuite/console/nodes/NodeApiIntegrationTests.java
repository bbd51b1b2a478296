package io.backupsuite.console.nodes;

import static io.backupsuite.console.TestCredentials.NODE_TOKEN;
import static io.backupsuite.console.TestCredentials.OPERATOR;
import static io.backupsuite.console.TestCredentials.UPLOAD_TOKEN;
import static io.backupsuite.console.TestCredentials.VIEWER;
import static io.backupsuite.console.TestCredentials.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.console.ConsoleApplication;
import io.backupsuite.console.TestCredentials;
import io.backupsuite.console.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "backup.console.heartbeat-timeout=1s")
class NodeApiIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestRedis.register(registry);
        TestCredentials.register(registry);
    }

    @BeforeEach
    void emptyRedis() {
        redis.execute(connection -> {
            connection.serverCommands().flushAll();
            return null;
        }, true);
    }

    @Test
    void heartbeatThenList() throws Exception {
        assertThat(beat(status("worker-2", "PRIMARY", 3)).statusCode()).isEqualTo(200);
        assertThat(beat(status("worker-1", "STANDBY", 3)).statusCode()).isEqualTo(200);

        HttpResponse<String> listed = send(get("/api/v1/nodes", VIEWER));

        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode table = JSON.readTree(listed.body());
        assertThat(table.get("version").asLong()).isEqualTo(2);
        JsonNode nodes = table.get("nodes");
        assertThat(nodes).hasSize(2);
        JsonNode first = nodes.get(0);
        assertThat(first.get("nodeId").asString()).isEqualTo("worker-1");
        assertThat(first.get("kind").asString()).isEqualTo("worker");
        assertThat(first.get("group").asString()).isEqualTo("g1");
        assertThat(first.get("role").asString()).isEqualTo("STANDBY");
        assertThat(first.get("epoch").asLong()).isEqualTo(3);
        assertThat(first.get("address").asString()).isEqualTo("http://127.0.0.1:8091");
        assertThat(first.get("lastSeq").asLong()).isEqualTo(10);
        assertThat(first.get("commitSeq").asLong()).isEqualTo(9);
        assertThat(first.get("health").asString()).isEqualTo("UP");
        assertThat(first.get("inFlight").asInt()).isEqualTo(2);
        assertThat(first.get("heartbeatAgeMs").asLong()).isBetween(0L, 1000L);
        assertThat(java.time.Instant.parse(first.get("lastHeartbeat").asString())).isNotNull();
        assertThat(nodes.get(1).get("nodeId").asString()).isEqualTo("worker-2");
    }

    @Test
    void operatorsAndNodesMayListToo() throws Exception {
        assertThat(send(get("/api/v1/nodes", OPERATOR)).statusCode()).isEqualTo(200);
        assertThat(send(get("/api/v1/nodes", bearer(NODE_TOKEN))).statusCode()).isEqualTo(200);
        assertThat(send(get("/api/v1/nodes", bearer(UPLOAD_TOKEN))).statusCode()).isEqualTo(403);
    }

    @Test
    void unauthenticatedCallsGetA401Problem() throws Exception {
        HttpResponse<String> response = send(get("/api/v1/nodes", null));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(401);
        assertThat(send(post("/api/v1/nodes/heartbeat", "Bearer wrong", "{}")).statusCode()).isEqualTo(401);
    }

    @Test
    void viewersMayNotSendHeartbeats() throws Exception {
        HttpResponse<String> response = send(post("/api/v1/nodes/heartbeat", VIEWER, JSON.writeValueAsString(status("w", "PRIMARY", 1))));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("urn:backup-suite:problem:forbidden");
    }

    @Test
    void malformedJsonIsA400Problem() throws Exception {
        HttpResponse<String> response = send(post("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN), "{\"nodeId\": "));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("urn:backup-suite:problem:malformed-body");
        assertThat(send(post("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN), "[1, 2]")).statusCode()).isEqualTo(400);
        assertThat(send(post("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN), "")).statusCode()).isEqualTo(400);
    }

    @Test
    void invalidFieldsAreA400ProblemNamingThem() throws Exception {
        List<NodeStatus> invalid = List.of(
                new NodeStatus(" ", "worker", "g1", "http://127.0.0.1:1", null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("x".repeat(129), "worker", "g1", "http://127.0.0.1:1", null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("n1", "robot", "g1", "http://127.0.0.1:1", null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("n1", "worker", "g1", "file:///etc/passwd", null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("n1", "worker", "g1", "not a url", null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("n1", "worker", "g1", null, null, 0, 0, 0, "UP", 0, 0),
                new NodeStatus("n1", "worker", "g1", "http://127.0.0.1:1", null, -1, 0, 0, "UP", 0, 0));
        for (NodeStatus status : invalid) {
            HttpResponse<String> response = beat(status);
            assertThat(response.statusCode()).as(status.toString()).isEqualTo(400);
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("urn:backup-suite:problem:validation");
            assertThat(problem.get("errors")).isNotEmpty();
        }
        assertThat(JSON.readTree(send(get("/api/v1/nodes", VIEWER)).body()).get("nodes")).isEmpty();
    }

    @Test
    void versionChangesWhenTheRoleTableDoesAndOnlyThen() throws Exception {
        long first = version(beat(status("worker-1", "STANDBY", 1)));
        long again = version(beat(status("worker-1", "STANDBY", 1)));
        long promoted = version(beat(status("worker-1", "PRIMARY", 1)));
        long newEpoch = version(beat(status("worker-1", "PRIMARY", 2)));
        long otherNode = version(beat(status("worker-2", "STANDBY", 2)));

        assertThat(again).isEqualTo(first);
        assertThat(promoted).isEqualTo(first + 1);
        assertThat(newEpoch).isEqualTo(first + 2);
        assertThat(otherNode).isEqualTo(first + 3);
    }

    @Test
    void aSilentNodeShowsAsUnreachable() throws Exception {
        beat(status("worker-1", "PRIMARY", 1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode node = JSON.readTree(send(get("/api/v1/nodes", VIEWER)).body()).get("nodes").get(0);
            assertThat(node.get("health").asString()).isEqualTo("UNREACHABLE");
            assertThat(node.get("role").asString()).isEqualTo("UNAVAILABLE");
        });
    }

    @Test
    void theTableSurvivesARestartOfTheConsole() throws Exception {
        beat(status("dispatcher-1", null, 0, "dispatcher"));
        beat(status("worker-1", "PRIMARY", 1));

        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--spring.data.redis.url=" + TestRedis.server().url()));
        args.addAll(List.of(TestCredentials.arguments()));
        try (ConfigurableApplicationContext restarted =
                new SpringApplicationBuilder(ConsoleApplication.class).run(args.toArray(String[]::new))) {
            String port = restarted.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> listed = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/nodes"))
                    .header("Authorization", VIEWER)
                    .build());
            JsonNode table = JSON.readTree(listed.body());
            // dispatchers are not in the role table: only the worker's arrival and claim changed it
            assertThat(table.get("version").asLong()).isEqualTo(1);
            assertThat(table.get("nodes").findValuesAsString("nodeId")).containsExactly("dispatcher-1", "worker-1");
            HttpResponse<String> roles = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/roles"))
                    .header("Authorization", VIEWER)
                    .build());
            assertThat(JSON.readTree(roles.body()).get("nodes").get(0).get("role").asString()).isEqualTo("PRIMARY");
        }
    }

    @Test
    void metricsCountHeartbeatsAndNodes() throws Exception {
        beat(status("worker-1", "PRIMARY", 1));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = send(get("/actuator/prometheus", null)).body();
            assertThat(metrics).contains("backup_console_heartbeats_total");
            assertThat(metrics).containsPattern("backup_console_nodes\\{[^}]*health=\"UP\",kind=\"worker\"[^}]*} 1\\.0");
        });
        assertThat(send(get("/actuator/health/readiness", null)).statusCode()).isEqualTo(200);
        assertThat(send(get("/actuator/health/liveness", null)).statusCode()).isEqualTo(200);
    }

    private static NodeStatus status(String nodeId, @Nullable String role, long epoch) {
        return status(nodeId, role, epoch, "worker");
    }

    private static NodeStatus status(String nodeId, @Nullable String role, long epoch, String kind) {
        String group = kind.equals("worker") ? "g1" : null;
        return new NodeStatus(nodeId, kind, group, "http://127.0.0.1:8091", role, epoch, 10, 9, "UP", 2, System.currentTimeMillis());
    }

    private HttpResponse<String> beat(NodeStatus status) throws Exception {
        return send(post("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN), JSON.writeValueAsString(status)));
    }

    private static long version(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("version").asLong();
    }

    private HttpRequest get(String path, @Nullable String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private HttpRequest post(String path, String authorization, String body) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
