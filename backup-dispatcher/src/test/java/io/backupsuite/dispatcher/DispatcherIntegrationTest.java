package io.backupsuite.dispatcher;

import io.backupsuite.common.security.Secrets;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the whole dispatcher on a random port against the shared Redis and
 * Kafka. All of them use one configuration, so Spring starts the application once per JVM.
 */
@SpringBootTest(
        classes = DispatcherApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "backup.dispatcher.namespace=it",
            "backup.dispatcher.lease-duration=5s",
            "backup.dispatcher.max-attempts=3",
            "backup.dispatcher.backoff-base=200ms",
            "backup.dispatcher.backoff-max=1s",
            "backup.dispatcher.max-batch-notifications=50",
            "backup.dispatcher.allowed-source-hosts=files.example.com,*.cdn.example.net,127.0.0.1,169.254.169.254",
            "backup.security.max-body-size=64KB",
            "spring.kafka.consumer.auto-offset-reset=earliest"
        })
public abstract class DispatcherIntegrationTest {

    public static final String UPLOAD_TOKEN = "upload-token-of-the-tests";
    public static final String OPERATOR_TOKEN = "operator-token-of-the-tests";
    public static final String VIEWER_TOKEN = "viewer-token-of-the-tests";

    @LocalServerPort
    protected int port;

    @Autowired
    protected TaskQueue queue;

    @Autowired
    protected MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> TestInfra.redis().url());
        registry.add("spring.kafka.bootstrap-servers", TestInfra::kafka);
        grant(registry, 0, "uploader", UPLOAD_TOKEN, "UPLOADER");
        grant(registry, 1, "operator", OPERATOR_TOKEN, "OPERATOR");
        grant(registry, 2, "viewer", VIEWER_TOKEN, "VIEWER");
    }

    private static void grant(DynamicPropertyRegistry registry, int i, String name, String token, String role) {
        registry.add("backup.security.tokens[" + i + "].name", () -> name);
        registry.add("backup.security.tokens[" + i + "].sha256", () -> Secrets.tokenHash(token));
        registry.add("backup.security.tokens[" + i + "].roles", () -> role);
    }

    protected TestHttp http() {
        return new TestHttp("http://127.0.0.1:" + port);
    }

    /** Tasks accepted so far by this application (the {@code backup_tasks_total{outcome=accepted}} counter). */
    protected double accepted() {
        Counter counter = meters.find("backup.tasks").tag("outcome", "accepted").counter();
        return counter == null ? 0 : counter.count();
    }
}
