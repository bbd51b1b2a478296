package io.backupsuite.dispatcher.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.DispatcherIntegrationTest;
import io.backupsuite.dispatcher.TestHttp.Response;
import io.backupsuite.dispatcher.TestInfra;
import io.backupsuite.dispatcher.TopicTap;
import io.backupsuite.dispatcher.queue.TaskStatus;
import io.backupsuite.dispatcher.queue.TaskView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry path through real Kafka: the test plays the worker, reading {@code backup.tasks} and
 * answering on {@code backup.results} and {@code backup.progress}.
 */
class FailurePathIntegrationTests extends DispatcherIntegrationTest {

    private final WireCodec codec = new WireCodec();
    private TopicTap tasks;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void worker() {
        tasks = new TopicTap(Topics.TASKS);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestInfra.kafka()), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() throws InterruptedException {
        tasks.close();
        producer.close();
    }

    private String upload() {
        String body = "{\"objectKey\":\"fp/" + UUID.randomUUID() + "\",\"size\":4,\"sha256\":\"" + "cd".repeat(32)
                + "\",\"sources\":[\"https://files.example.com/x\"]}";
        Response response = http().post("/api/v1/uploads", UPLOAD_TOKEN, body);
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("taskId").asString();
    }

    private TaskMessage attempt(String taskId, int attempt) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> tasks.records().stream()
                        .map(r -> codec.decode(r.value(), TaskMessage.class))
                        .filter(m -> m.taskId().equals(taskId) && m.attempt() == attempt)
                        .findFirst().orElse(null),
                m -> m != null);
    }

    private void report(TaskResult result) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RESULTS, result.taskId(), codec.encode(result))).get();
    }

    private TaskStatus status(String taskId) {
        return queue.find(taskId).map(TaskView::status).orElse(null);
    }

    @Test
    void failsTwiceThenSucceedsThroughTheDelayQueue() throws Exception {
        String taskId = upload();
        for (int attempt = 1; attempt <= 2; attempt++) {
            TaskMessage task = attempt(taskId, attempt);
            report(TaskResult.failed(task, "w1", "http", "source answered 500", 0, System.currentTimeMillis()));
        }
        TaskMessage third = attempt(taskId, 3);
        producer.send(new ProducerRecord<>(Topics.PROGRESS, taskId, codec.encode(
                new TaskProgress(taskId, third.attemptToken(), "w1", 2, 4, "https://files.example.com/x", 0, 1, List.of(
                        new TaskProgress.ServedRange("https://a.example.com/x", 0, 1),
                        new TaskProgress.ServedRange("https://files.example.com/x", 1, 2)))))).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(taskId).orElseThrow().progress() != null);
        report(TaskResult.succeeded(third, "w1", 4, System.currentTimeMillis()));

        await().atMost(Duration.ofSeconds(10)).until(() -> status(taskId) == TaskStatus.DONE);
        Response view = http().get("/api/v1/tasks/" + taskId, VIEWER_TOKEN);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().get("attempts").asInt()).isEqualTo(3);
        assertThat(view.json().get("errors").size()).isEqualTo(2);
        assertThat(view.json().get("progress").get("bytesDone").asLong()).isEqualTo(2);
        assertThat(view.json().get("progress").get("chunksVerified").asInt()).isEqualTo(1);
        assertThat(view.json().get("progress").get("ranges").get(1).get("source").asString()).isEqualTo("https://files.example.com/x");
        assertThat(view.json().get("progress").get("ranges").get(1).get("from").asLong()).isEqualTo(1);
        assertThat(view.json().get("progress").get("ranges").get(1).get("to").asLong()).isEqualTo(2);
        assertThat(view.json().get("lastError").asString()).contains("source answered 500");
    }

    @Test
    void alwaysFailingEndsDeadWithEveryReasonAndAnOperatorCanRetryIt() throws Exception {
        String taskId = upload();
        for (int attempt = 1; attempt <= 3; attempt++) {
            TaskMessage task = attempt(taskId, attempt);
            report(TaskResult.failed(task, "w1", "checksum", "wrong content #" + attempt, 4, System.currentTimeMillis()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> status(taskId) == TaskStatus.DEAD);
        assertThat(queue.find(taskId).orElseThrow().errors()).containsExactly(
                "attempt 1: checksum: wrong content #1 (worker w1)",
                "attempt 2: checksum: wrong content #2 (worker w1)",
                "attempt 3: checksum: wrong content #3 (worker w1)");
        Response dead = http().get("/api/v1/tasks?status=DEAD&limit=1000", OPERATOR_TOKEN);
        assertThat(dead.json().get("tasks").findValuesAsString("taskId")).contains(taskId);

        assertThat(http().post("/api/v1/tasks/" + taskId + "/retry", VIEWER_TOKEN, "").status()).isEqualTo(403);
        Response retried = http().post("/api/v1/tasks/" + taskId + "/retry", OPERATOR_TOKEN, "");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("PENDING");

        TaskMessage again = await().atMost(Duration.ofSeconds(20)).until(
                () -> tasks.records().stream()
                        .map(r -> codec.decode(r.value(), TaskMessage.class))
                        .filter(m -> m.taskId().equals(taskId) && m.attempt() == 1)
                        .reduce((a, b) -> b).orElse(null),
                m -> m != null && !m.attemptToken().equals(attempt(taskId, 1).attemptToken()));
        report(TaskResult.succeeded(again, "w2", 4, System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(taskId) == TaskStatus.DONE);

        Response conflict = http().post("/api/v1/tasks/" + taskId + "/retry", OPERATOR_TOKEN, "");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.contentType()).startsWith("application/problem+json");
    }

    @Test
    void unreadableResultsAreSkippedAndLaterOnesStillApply() throws Exception {
        String taskId = upload();
        TaskMessage task = attempt(taskId, 1);
        producer.send(new ProducerRecord<>(Topics.RESULTS, "junk", "not json".getBytes())).get();
        producer.send(new ProducerRecord<>(Topics.RESULTS, "junk", "{\"taskId\":null}".getBytes())).get();
        producer.send(new ProducerRecord<>(Topics.PROGRESS, "junk", "[]".getBytes())).get();
        report(TaskResult.succeeded(task, "w1", 4, System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(taskId) == TaskStatus.DONE);
        assertThat(List.of(taskId)).isNotEmpty();
    }
}
