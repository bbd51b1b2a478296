package io.backupsuite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.security.Secrets;
import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.infra.KafkaBroker;
import io.backupsuite.infra.ManagedProcess;
import io.backupsuite.infra.Ports;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming, proved by a heap cap: a real worker process with {@code -Xmx128m} backs up a 2 GiB
 * object from a loopback source (through a real Kafka broker process), serves it back through
 * {@code GET /api/v1/objects/content}, and restores it to a file with {@code POST /api/v1/restores};
 * the SHA-256 of what comes back is compared each time. Buffering the object anywhere would exhaust
 * the heap (the worker runs with {@code ExitOnOutOfMemoryError}).
 */
class StreamingMemoryIntegrationTests {

    private static final long SIZE = 2L << 30;
    private static final String TOKEN = "streaming-test-token";
    private static final String OPERATOR = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:ops-password".getBytes());

    private static Path dir;
    private static KafkaBroker kafka;
    private static GeneratedSource source;
    private static ManagedProcess worker;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "streaming-");
        kafka = KafkaBroker.start(0, Files.createDirectories(dir.resolve("kafka")), 2);
        source = new GeneratedSource(SIZE, 42);
        port = Ports.free();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC",
                "-cp", workerClasspath(),
                WorkerApplication.class.getName(),
                "--server.port=" + port,
                "--backup.node.id=worker-streaming",
                "--backup.worker.data-dir=" + dir.resolve("worker"),
                "--backup.worker.allowed-source-hosts=127.0.0.1",
                "--backup.worker.limits.min-free-space=64MB",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--backup.security.tokens[0].name=uploads",
                "--backup.security.tokens[0].sha256=" + Secrets.tokenHash(TOKEN),
                "--backup.security.tokens[0].roles=UPLOADER",
                "--backup.security.users[0].name=ops",
                "--backup.security.users[0].password-hash=" + Secrets.passwordHash("ops-password"),
                "--backup.security.users[0].roles=OPERATOR",
                "--backup.worker.restore.root=" + dir.resolve("restore")));
        worker = new ManagedProcess("worker-streaming", command, dir.resolve("worker.log"));
        worker.start(() -> Ports.isListening(port), Duration.ofMinutes(3));
    }

    /** The test classpath without the test classes (whose test configurations a real worker must not pick up). */
    private static String workerClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @AfterAll
    static void stop() throws IOException {
        if (worker != null) {
            worker.kill();
        }
        if (source != null) {
            source.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (dir != null) {
            if (Files.exists(dir.resolve("worker.log"))) { // kept for a look after a failure; the 2 GiB go
                Files.copy(dir.resolve("worker.log"), dir.resolveSibling("streaming-worker.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aTwoGibObjectIsBackedUpAndRestoredWithA128MibHeap() throws Exception {
        String sha256 = source.sha256();
        WireCodec codec = new WireCodec();
        long now = System.currentTimeMillis();
        TaskMessage task = new TaskMessage(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1, "big/2GiB", SIZE,
                sha256, List.of(source.url()), Duration.ofMinutes(30).toMillis(), now, now);

        try (KafkaConsumer<String, byte[]> results = consumer(); KafkaProducer<String, byte[]> producer = producer()) {
            results.subscribe(List.of(Topics.RESULTS));
            producer.send(new ProducerRecord<>(Topics.TASKS, task.objectKey(), codec.encode(task))).get();
            TaskResult result = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(500))) {
                    TaskResult candidate = codec.decode(r.value(), TaskResult.class);
                    if (candidate.taskId().equals(task.taskId())) {
                        return candidate;
                    }
                }
                assertThat(worker.isAlive()).as("worker process alive (see %s)", worker.logFile()).isTrue();
                return null;
            }, r -> r != null);
            assertThat(result.outcome()).as(String.valueOf(result.error())).isEqualTo(TaskResult.Outcome.SUCCEEDED);
        }

        HttpResponse<InputStream> content = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/objects/content?key=big%2F2GiB"))
                        .header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(content.statusCode()).isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = content.body()) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256);

        restoreToAFile(sha256);
        assertThat(worker.isAlive()).as("the worker survived with its 128 MiB heap").isTrue();
        assertThat(Files.readString(worker.logFile())).doesNotContain("OutOfMemoryError");
    }

    private static void restoreToAFile(String sha256) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/restores"))
                .header("Authorization", OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"objectKey\":\"big/2GiB\",\"targetPath\":\"big.bin\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        URI status = URI.create("http://127.0.0.1:" + port + accepted.headers().firstValue("Location").orElseThrow());
        String done = await().atMost(Duration.ofMinutes(10)).until(
                () -> http.send(HttpRequest.newBuilder(status).header("Authorization", OPERATOR).build(),
                        HttpResponse.BodyHandlers.ofString()).body(),
                body -> body.contains("\"status\":\"SUCCEEDED\"") || body.contains("\"status\":\"FAILED\""));
        assertThat(done).contains("\"status\":\"SUCCEEDED\"", "\"bytesDone\":" + SIZE);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(dir.resolve("restore").resolve("big.bin"))) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256);
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "streaming-test-results",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }
}
