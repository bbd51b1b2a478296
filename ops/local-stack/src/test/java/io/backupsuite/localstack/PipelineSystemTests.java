package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The backup pipeline on the real multi-process stack: every part its own OS process, crashes by
 * SIGKILL. Leases, retries and attempt limits are shortened so that failure paths finish quickly.
 */
class PipelineSystemTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static Path dir;
    private static RunningStack stack;

    @RegisterExtension
    static final StackOnFailure ON_FAILURE = new StackOnFailure(() -> stack);

    @BeforeAll
    static void startStack() throws IOException {
        dir = Files.createTempDirectory("pipeline-system");
        StackOptions options = StackOptions.builder(LocalStackMain.repoRoot())
                .randomPorts()
                .dataDir(dir)
                .extraArgs(PartKind.DISPATCHER,
                        "--backup.dispatcher.lease-duration=5s",
                        "--backup.dispatcher.max-attempts=4",
                        "--backup.dispatcher.backoff-base=200ms",
                        "--backup.dispatcher.backoff-max=1s")
                // one try per source and attempt, so that every source failure is one attempt that
                // goes through the delay queue (by default a worker tries each source twice)
                .extraArgs(PartKind.WORKER, "--backup.worker.tries-per-source=1",
                        // above the 4 MiB of the kill test, below the 8 MiB of the second-copy test
                        "--backup.worker.replication.source-copy-min-size=6MB")
                .build();
        stack = LocalStack.start(options, System.out::println);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoHundredNotificationsAllEndDoneWithVerifiedBlobsAndIdenticalRestores() throws Exception {
        List<JsonNode> files = generate(200, 16 * 1024, "bulk");
        ArrayNode notifications = JSON.createArrayNode();
        for (JsonNode file : files) {
            notifications.add(notification("bulk/" + file.get("name").asString(), file, file.get("url").asString()));
        }
        ObjectNode batch = JSON.createObjectNode();
        batch.set("notifications", notifications);
        JsonNode accepted = JSON.readTree(post(stack.dispatcher().url() + "/api/v1/uploads/batch", batch.toString()));
        List<String> taskIds = new ArrayList<>();
        accepted.get("results").forEach(r -> taskIds.add(r.get("taskId").asString()));
        assertThat(taskIds).hasSize(200).doesNotHaveDuplicates();

        await().atMost(PATIENCE).until(() -> taskIds.stream().allMatch(id -> "DONE".equals(status(id))));

        for (JsonNode file : files) {
            String key = "bulk/" + file.get("name").asString();
            String sha256 = file.get("sha256").asString();
            Part holder = holderOf(key).orElseThrow(() -> new AssertionError("no worker holds " + key));
            JsonNode entry = JSON.readTree(get(holder.url() + "/api/v1/objects?key=" + key).body());
            assertThat(entry.get("sha256").asString()).isEqualTo(sha256);
            HttpResponse<byte[]> restored = HTTP.send(
                    authorized(holder.url() + "/api/v1/objects/content?key=" + key).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(restored.statusCode()).isEqualTo(200);
            assertThat(sha256(restored.body())).isEqualTo(sha256);
            byte[] stored = StoredBlobs.read(dir.resolve(holder.name()), sha256)
                    .orElseThrow(() -> new AssertionError(holder.name() + " has no blob " + sha256 + " on disk"));
            assertThat(sha256(stored)).as("blob %s on %s's disk", sha256, holder.name()).isEqualTo(sha256);
        }
    }

    @Test
    void aSourceThatFailsTwiceIsBackedUpOnTheThirdAttemptThroughTheDelayQueue() throws Exception {
        JsonNode file = generate(1, 4096, "flaky").get(0);
        String taskId = submit("flaky/" + file.get("name").asString(), file, file.get("url").asString() + "?failFirst=2");
        await().atMost(PATIENCE).until(() -> "DONE".equals(status(taskId)));
        JsonNode task = task(taskId);
        assertThat(task.get("attempts").asInt()).isEqualTo(3);
        assertThat(task.get("errors")).hasSize(2);
    }

    @Test
    void wrongContentEndsDeadAfterTheConfiguredAttemptsAndNothingIsStored() throws Exception {
        JsonNode file = generate(1, 8192, "corrupt").get(0);
        String key = "corrupt/" + file.get("name").asString();
        String taskId = submit(key, file, file.get("url").asString() + "?corrupt=1");
        await().atMost(PATIENCE).until(() -> "DEAD".equals(status(taskId)));
        JsonNode task = task(taskId);
        assertThat(task.get("attempts").asInt()).isEqualTo(4);
        assertThat(task.get("errors")).hasSize(4);
        assertThat(task.get("lastError").asString()).containsIgnoringCase("sha-256");
        assertThat(holderOf(key)).isEmpty();
        String sha256 = file.get("sha256").asString();
        for (Part worker : stack.workers()) {
            assertThat(StoredBlobs.read(dir.resolve(worker.name()), sha256)).as("nothing stored on %s", worker.name()).isEmpty();
        }
    }

    @Test
    void aLargeObjectsSecondCopyIsTakenFromTheSourceWhileItDownloadsAndBothCopiesAreVerified() throws Exception {
        double storedBefore = sumOverWorkers("backup_worker_replication_source_copies_total", "outcome=\"stored\"");
        JsonNode file = generate(1, 8 * 1024 * 1024, "copy").get(0);
        String key = "copy/" + file.get("name").asString();
        String sha256 = file.get("sha256").asString();
        String taskId = submit(key, file, file.get("url").asString());

        await().atMost(PATIENCE).until(() -> "DONE".equals(status(taskId)));

        // on the primary, the other standby may answer first with the blob fetched from the holder: the copy then ends just after
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(sumOverWorkers("backup_worker_replication_source_copies_total",
                "outcome=\"stored\"")).as("one member took its copy from the source").isEqualTo(storedBefore + 1));
        List<String> holding = new ArrayList<>();
        for (Part worker : stack.workers()) {
            Path blob = dir.resolve(worker.name()).resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
            if (Files.exists(blob)) {
                try (InputStream in = Files.newInputStream(blob)) {
                    assertThat(sha256(in.readAllBytes())).as("blob file %s", blob).isEqualTo(sha256);
                }
                holding.add(worker.name());
            }
        }
        assertThat(holding).as("the committed backup is on quorum + 1 workers").hasSizeGreaterThanOrEqualTo(2);
    }

    /** A Prometheus counter summed over the workers (0 where a worker does not export it yet). */
    private static double sumOverWorkers(String name, String label) throws IOException {
        double sum = 0;
        var line = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*" + label + "[^}]*} ([0-9.eE+-]+)$");
        for (Part worker : stack.workers()) {
            var m = line.matcher(get(worker.url() + "/actuator/prometheus").body());
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
        }
        return sum;
    }

    @Test
    void aWorkerKilledMidDownloadLosesNothingTheTaskIsRedeliveredAndDone() throws Exception {
        JsonNode file = generate(1, 4 * 1024 * 1024, "slow").get(0);
        // 512 KiB/s: the transfer takes about 8 s, long enough to kill the worker in the middle
        String taskId = submit("slow/" + file.get("name").asString(), file, file.get("url").asString() + "?throttle=524288");
        await().atMost(PATIENCE).until(() -> {
            JsonNode task = task(taskId);
            JsonNode progress = task.path("progress");
            return "WORKING".equals(task.get("status").asString()) && progress.path("bytesDone").asLong() > 0
                    && !progress.path("workerId").asString("").isEmpty();
        });
        String victim = task(taskId).get("progress").get("workerId").asString();
        Part worker = stack.workers().stream().filter(w -> w.name().equals(victim)).findFirst().orElseThrow();
        worker.kill();
        try {
            await().atMost(PATIENCE).until(() -> "DONE".equals(status(taskId)));
            JsonNode task = task(taskId);
            assertThat(task.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(task.get("progress").get("workerId").asString()).isNotEqualTo(victim);
        } finally {
            worker.restart();
        }
    }

    @Test
    void acknowledgedNotificationsSurviveSigkillOfTheDispatcherAndOfRedis() throws Exception {
        List<JsonNode> files = generate(50, 4096, "crash");
        List<String> taskIds = new ArrayList<>();
        for (JsonNode file : files) {
            taskIds.add(submit("crash/" + file.get("name").asString(), file, file.get("url").asString()));
        }
        Part redis = stack.redis().orElseThrow();
        stack.dispatcher().kill();
        redis.kill();
        redis.restart();
        stack.dispatcher().restart();
        await().atMost(PATIENCE).until(() -> taskIds.stream().allMatch(id -> "DONE".equals(status(id))));
    }

    // --- helpers -----------------------------------------------------------------------------

    private static List<JsonNode> generate(int count, int size, String prefix) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.source().url() + "/admin/generate?count=" + count + "&size=" + size
                                + "&prefix=" + prefix))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> files = new ArrayList<>();
        JSON.readTree(response.body()).forEach(files::add);
        return files;
    }

    private static ObjectNode notification(String key, JsonNode file, String url) {
        ObjectNode n = JSON.createObjectNode();
        n.put("objectKey", key);
        n.put("size", file.get("size").asLong());
        n.put("sha256", file.get("sha256").asString());
        n.putArray("sources").add(url);
        return n;
    }

    private static String submit(String key, JsonNode file, String url) throws Exception {
        return JSON.readTree(post(stack.dispatcher().url() + "/api/v1/uploads", notification(key, file, url).toString()))
                .get("taskId").asString();
    }

    private static JsonNode task(String taskId) {
        try {
            HttpResponse<String> response = get(stack.dispatcher().url() + "/api/v1/tasks/" + taskId);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String status(String taskId) {
        try {
            HttpResponse<String> response = get(stack.dispatcher().url() + "/api/v1/tasks/" + taskId);
            // while the dispatcher or Redis restarts, the answer may be an error: not yet
            return response.statusCode() == 200 ? JSON.readTree(response.body()).get("status").asString() : "UNKNOWN";
        } catch (IOException e) {
            return "UNREACHABLE";
        }
    }

    private static Optional<Part> holderOf(String key) throws IOException {
        for (Part worker : stack.workers()) {
            if (get(worker.url() + "/api/v1/objects?key=" + key).statusCode() == 200) {
                return Optional.of(worker);
            }
        }
        return Optional.empty();
    }

    private static HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url.replace(" ", "%20"))).header("Authorization", "Bearer " + stack.uploadToken());
    }

    private static HttpResponse<String> get(String url) throws IOException {
        try {
            return HTTP.send(authorized(url).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String post(String url, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                authorized(url).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " answered " + response.body()).isEqualTo(202);
        return response.body();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
