package io.backupsuite.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.dispatcher.TestHttp.Response;
import io.backupsuite.infra.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An acknowledged notification survives SIGKILL of Redis: AOF with appendfsync always. */
class RedisCrashIntegrationTests extends DispatcherIntegrationTest {

    @Test
    void everyAcknowledgedTaskIsStillThereAfterKillMinus9() {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String body = "{\"objectKey\":\"crash/" + UUID.randomUUID() + "\",\"size\":4,\"sha256\":\"" + "9a".repeat(32)
                    + "\",\"sources\":[\"https://files.example.com/x\"]}";
            Response response = http().post("/api/v1/uploads", UPLOAD_TOKEN, body);
            assertThat(response.status()).isEqualTo(202);
            acknowledged.add(response.json().get("taskId").asString());
        }
        RedisServer redis = TestInfra.redis();
        redis.kill();
        assertThat(redis.process().isAlive()).isFalse();
        redis.restart();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            List<String> missing = acknowledged.stream().filter(id -> queue.find(id).isEmpty()).toList();
            assertThat(missing).isEmpty();
        });
        // the application keeps working on the restarted server (scripts are re-sent after NOSCRIPT)
        String body = "{\"objectKey\":\"crash/after\",\"size\":4,\"sha256\":\"" + "9b".repeat(32)
                + "\",\"sources\":[\"https://files.example.com/x\"]}";
        await().atMost(Duration.ofSeconds(30)).until(() -> http().post("/api/v1/uploads", UPLOAD_TOKEN, body).status() == 202);
    }
}
