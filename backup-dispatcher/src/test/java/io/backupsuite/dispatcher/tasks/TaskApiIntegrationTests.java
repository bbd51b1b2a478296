package io.backupsuite.dispatcher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.dispatcher.DispatcherIntegrationTest;
import io.backupsuite.dispatcher.TestHttp.Response;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The task and queue API over real HTTP. */
class TaskApiIntegrationTests extends DispatcherIntegrationTest {

    @Test
    void showsATaskWithItsFields() {
        String key = "api/" + UUID.randomUUID();
        String body = "{\"objectKey\":\"" + key + "\",\"size\":12,\"sha256\":\"" + "EF".repeat(32)
                + "\",\"sources\":[\"https://files.example.com/x\"]}";
        String taskId = http().post("/api/v1/uploads", UPLOAD_TOKEN, body).json().get("taskId").asString();
        Response task = http().get("/api/v1/tasks/" + taskId, UPLOAD_TOKEN);
        assertThat(task.status()).isEqualTo(200);
        assertThat(task.json().get("taskId").asString()).isEqualTo(taskId);
        assertThat(task.json().get("objectKey").asString()).isEqualTo(key);
        assertThat(task.json().get("sha256").asString()).isEqualTo("ef".repeat(32));
        assertThat(task.json().get("size").asLong()).isEqualTo(12);
        assertThat(task.json().get("status").asString()).isIn("PENDING", "WORKING");
        assertThat(task.json().has("createdAt")).isTrue();
        assertThat(task.json().get("errors").isArray()).isTrue();
    }

    @Test
    void unknownAndMalformedTaskIdsAre404Problems() {
        for (String id : new String[] {"0".repeat(32), "nope", "%7B..%7D", "A".repeat(32)}) {
            Response response = http().get("/api/v1/tasks/" + id, VIEWER_TOKEN);
            assertThat(response.status()).as(id).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        Response retry = http().post("/api/v1/tasks/" + "0".repeat(32) + "/retry", OPERATOR_TOKEN, "");
        assertThat(retry.status()).isEqualTo(404);
    }

    @Test
    void queuesShowEveryDepth() {
        Response queues = http().get("/api/v1/queues", VIEWER_TOKEN);
        assertThat(queues.status()).isEqualTo(200);
        for (String field : new String[] {"pending", "working", "delay", "dead"}) {
            assertThat(queues.json().get(field).isNumber()).as(field).isTrue();
        }
        assertThat(http().get("/api/v1/queues", null).status()).isEqualTo(401);
    }

    @Test
    void workingTasksAreListedWithTheirProgress() {
        String key = "working/" + UUID.randomUUID();
        String body = "{\"objectKey\":\"" + key + "\",\"size\":12,\"sha256\":\"" + "AB".repeat(32)
                + "\",\"sources\":[\"https://files.example.com/w\"]}";
        String taskId = http().post("/api/v1/uploads", UPLOAD_TOKEN, body).json().get("taskId").asString();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response working = http().get("/api/v1/tasks?status=WORKING&limit=1000", VIEWER_TOKEN);
            assertThat(working.status()).isEqualTo(200);
            assertThat(working.json().get("tasks").findValuesAsString("taskId")).contains(taskId);
        });
        Response one = http().get("/api/v1/tasks?status=working&limit=1", VIEWER_TOKEN);
        assertThat(one.json().get("tasks")).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void onlyDeadAndWorkingTasksCanBeListed() {
        assertThat(http().get("/api/v1/tasks?status=DEAD", OPERATOR_TOKEN).status()).isEqualTo(200);
        Response pending = http().get("/api/v1/tasks?status=PENDING", OPERATOR_TOKEN);
        assertThat(pending.status()).isEqualTo(400);
        assertThat(pending.contentType()).startsWith("application/problem+json");
        assertThat(http().get("/api/v1/tasks?status=DEAD&limit=0", OPERATOR_TOKEN).status()).isEqualTo(400);
        assertThat(http().get("/api/v1/tasks?status=DEAD&limit=x", OPERATOR_TOKEN).status()).isEqualTo(400);
    }

    @Test
    void healthAndMetricsArePublic() {
        assertThat(http().get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(http().get("/actuator/health/readiness", null).status()).isEqualTo(200);
        Response prometheus = http().get("/actuator/prometheus", null);
        assertThat(prometheus.status()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("backup_dispatcher_queue_depth{")
                .contains("backup_dispatcher_queue_oldest_pending_age_seconds")
                .contains("backup_dispatcher_intake_to_dispatch_seconds_bucket")
                .contains("backup_dispatcher_intake_to_done_seconds_bucket");
    }
}
