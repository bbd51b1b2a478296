package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The launcher end to end: every part a real process on a random port, healthy, reachable with the
 * printed credentials, and gone after a stop. Runs in the failsafe phase, after the services' jars
 * are built.
 */
class LocalStackSystemTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path ROOT = LocalStackMain.repoRoot();

    @TempDir
    Path dir;

    @Test
    void theWholeStackStartsBacksUpAFileAndLeavesNoProcessBehind() throws Exception {
        List<Long> pids = new ArrayList<>();
        StackOptions options = StackOptions.builder(ROOT).randomPorts().dataDir(dir).build();
        try (RunningStack stack = LocalStack.start(options, System.out::println)) {
            stack.parts().forEach(p -> pids.add(p.pid()));
            assertThat(stack.parts()).extracting(Part::name).containsExactlyInAnyOrder(
                    "redis", "kafka", "console", "dispatcher", "worker-1", "worker-2", "worker-3", "source");
            assertThat(pids).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
            for (Part service : List.of(stack.console(), stack.dispatcher(), stack.worker(1), stack.worker(2), stack.worker(3))) {
                assertThat(get(service.url() + "/actuator/health", null).statusCode()).as(service.name()).isEqualTo(200);
            }
            assertThat(stack.readyLine()).startsWith("READY console=" + stack.console().url() + " dispatcher=");

            // every node reports to the console with the run's node token
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode nodes = JSON.readTree(get(stack.console().url() + "/api/v1/nodes", stack.operator().basicAuthorization()).body());
                assertThat(nodes.get("nodes").findValuesAsString("nodeId"))
                        .containsExactly("dispatcher-1", "worker-1", "worker-2", "worker-3");
            });

            // a file from the demo source goes all the way through
            JsonNode file = JSON.readTree(post(stack.source().url() + "/admin/generate?count=1&size=65536&prefix=sys", null, "")).get(0);
            String notification = "{\"objectKey\":\"system/" + file.get("name").asString() + "\",\"size\":65536,\"sha256\":\""
                    + file.get("sha256").asString() + "\",\"sources\":[\"" + file.get("url").asString() + "\"]}";
            String taskId = JSON.readTree(post(stack.dispatcher().url() + "/api/v1/uploads", "Bearer " + stack.uploadToken(), notification))
                    .get("taskId").asString();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(JSON.readTree(
                            get(stack.dispatcher().url() + "/api/v1/tasks/" + taskId, "Bearer " + stack.uploadToken()).body())
                    .get("status").asString()).isEqualTo("DONE"));

            // a part can be crashed and brought back
            long before = stack.worker(2).pid();
            stack.worker(2).kill();
            assertThat(stack.worker(2).isAlive()).isFalse();
            stack.worker(2).restart();
            assertThat(stack.worker(2).pid()).isNotEqualTo(before);
            pids.add(stack.worker(2).pid());
            assertThat(get(stack.worker(2).url() + "/actuator/health", null).statusCode()).isEqualTo(200);
        }
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::info).toList()).isEmpty();
    }

    @Test
    void runLocalPrintsReadyAndStopsEveryPartOnSigterm() throws Exception {
        Path target = ROOT.resolve("ops/local-stack/target");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", target.resolve("backup-local-stack-0.1.0-SNAPSHOT.jar") + ":" + target.resolve("lib") + "/*",
                LocalStackMain.class.getName(),
                "--random-ports", "--data-dir", dir.toString(), "--only", "redis,kafka,console,source");
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> readUntilReady(out)).get(3, TimeUnit.MINUTES);
            Map<String, String> fields = fields(ready);
            assertThat(fields).containsKeys("console", "source", "token", "operator", "redis", "kafka");
            assertThat(fields.get("token")).isEqualTo("local-upload-token");
            assertThat(fields.get("operator")).isEqualTo("operator:operator-local");
            String operator = "Basic " + java.util.Base64.getEncoder().encodeToString(fields.get("operator").getBytes(StandardCharsets.UTF_8));
            assertThat(get(fields.get("console") + "/api/v1/nodes", operator).statusCode()).isEqualTo(200);
            assertThat(get(fields.get("source") + "/health", null).statusCode()).isEqualTo(200);

            List<ProcessHandle> children = launcher.descendants().toList();
            assertThat(children).hasSize(4);
            launcher.destroy(); // SIGTERM
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static String readUntilReady(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("run-local| " + line);
                if (line.startsWith("READY ")) {
                    return line;
                }
            }
            throw new AssertionError("run-local ended without a READY line");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> fields(String readyLine) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : readyLine.substring("READY ".length()).split(" ")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return fields;
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String post(String url, String authorization, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " answered " + response.body()).isBetween(200, 299);
        return response.body();
    }
}
