package io.backupsuite.worker;

import static org.awaitility.Awaitility.await;

import io.backupsuite.common.security.Secrets;
import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one shared fixture of the worker's integration tests: the whole worker on a random port
 * against spring-kafka-test's embedded KRaft broker, a misbehaving HTTP source and a real data
 * directory. Subclasses share one application context (and broker).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedKafka(
        partitions = 2,
        topics = {Topics.TASKS, Topics.RESULTS, Topics.PROGRESS},
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
@Import(WorkerIntegrationTest.Collector.class)
public abstract class WorkerIntegrationTest {

    protected static final String NODE_ID = "worker-it";
    protected static final String UPLOAD_TOKEN = "test-upload-token";
    /** The token nodes present to each other (role NODE). */
    protected static final String NODE_TOKEN = "test-node-token";
    protected static final String OPERATOR = "ops";
    protected static final String OPERATOR_PASSWORD = "ops-password";
    protected static final String VIEWER = "viewer";
    protected static final String VIEWER_PASSWORD = "viewer-password";
    protected static final TestSource SOURCE = new TestSource();
    protected static final Path DATA_DIR = tempDir();
    /** Where file restores may write. */
    protected static final Path RESTORE_ROOT = siblingDir("restore-root");
    /** Hashed once: PBKDF2 is slow on purpose, and property suppliers are called more than once. */
    private static final String OPERATOR_HASH = Secrets.passwordHash(OPERATOR_PASSWORD);
    private static final String VIEWER_HASH = Secrets.passwordHash(VIEWER_PASSWORD);
    private static final String UPLOAD_TOKEN_HASH = Secrets.tokenHash(UPLOAD_TOKEN);
    private static final String NODE_TOKEN_HASH = Secrets.tokenHash(NODE_TOKEN);

    @Autowired
    protected KafkaTemplate<String, byte[]> kafka;

    @Autowired
    protected WireCodec codec;

    @Autowired
    protected Collector collector;

    @LocalServerPort
    protected int port;

    private static Path siblingDir(String name) {
        try {
            return Files.createDirectories(DATA_DIR.resolveSibling(DATA_DIR.getFileName() + "-" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HTTP Basic credentials as a header value. */
    protected static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Path tempDir() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), "worker-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void workerProperties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> 0);
        registry.add("backup.node.id", () -> NODE_ID);
        registry.add("backup.worker.data-dir", DATA_DIR::toString);
        registry.add("backup.worker.concurrency", () -> 4);
        registry.add("backup.worker.allowed-source-hosts", () -> "127.0.0.1,169.254.169.254");
        registry.add("backup.worker.connect-timeout", () -> "1s");
        registry.add("backup.worker.read-idle-timeout", () -> "1s");
        registry.add("backup.worker.chunk-size", () -> "64KB"); // objects of a few chunks stay small
        registry.add("backup.security.tokens[0].name", () -> "uploads");
        registry.add("backup.security.tokens[0].sha256", () -> UPLOAD_TOKEN_HASH);
        registry.add("backup.security.tokens[0].roles", () -> "UPLOADER");
        registry.add("backup.security.tokens[1].name", () -> "node");
        registry.add("backup.security.tokens[1].sha256", () -> NODE_TOKEN_HASH);
        registry.add("backup.security.tokens[1].roles", () -> "NODE");
        registry.add("backup.security.node-token", () -> NODE_TOKEN);
        registry.add("backup.security.users[0].name", () -> OPERATOR);
        registry.add("backup.security.users[0].password-hash", () -> OPERATOR_HASH);
        registry.add("backup.security.users[0].roles", () -> "OPERATOR");
        registry.add("backup.security.users[1].name", () -> VIEWER);
        registry.add("backup.security.users[1].password-hash", () -> VIEWER_HASH);
        registry.add("backup.security.users[1].roles", () -> "VIEWER");
        registry.add("backup.worker.restore.root", RESTORE_ROOT::toString);
        registry.add("backup.worker.restore.allowed-target-hosts", () -> "127.0.0.1");
    }

    @BeforeAll
    static void timeouts() {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    /** A task attempt as the dispatcher would publish it. */
    protected static TaskMessage task(String key, byte[] content, String... sources) {
        long now = System.currentTimeMillis();
        return new TaskMessage(
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1, key, content.length,
                TestSource.sha256(content), List.of(sources), 30_000, now, now);
    }

    protected void publish(TaskMessage task) {
        kafka.send(Topics.TASKS, task.objectKey(), codec.encode(task)).join();
    }

    /** Publishes a task and waits for its result. */
    protected TaskResult run(TaskMessage task) {
        publish(task);
        return await().until(() -> collector.results().get(task.taskId()), r -> r != null);
    }

    protected static List<Path> files(String dir) throws IOException {
        Path root = DATA_DIR.resolve(dir);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** Reads what the worker publishes, as the dispatcher would. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Collector {
        private final Map<String, TaskResult> results = new ConcurrentHashMap<>();
        private final List<TaskProgress> progress = new CopyOnWriteArrayList<>();
        private final WireCodec codec = new WireCodec();

        public Map<String, TaskResult> results() {
            return results;
        }

        public List<TaskProgress> progress() {
            return progress;
        }

        @KafkaListener(topics = Topics.RESULTS, groupId = "test-results", batch = "true")
        void onResults(List<ConsumerRecord<String, byte[]>> records) {
            records.forEach(r -> {
                TaskResult result = codec.decode(r.value(), TaskResult.class);
                results.put(result.taskId(), result);
            });
        }

        @KafkaListener(topics = Topics.PROGRESS, groupId = "test-progress", batch = "true")
        void onProgress(List<ConsumerRecord<String, byte[]>> records) {
            records.forEach(r -> progress.add(codec.decode(r.value(), TaskProgress.class)));
        }
    }
}
