package io.backupsuite.dispatcher.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.TestInfra;
import io.backupsuite.dispatcher.TopicTap;
import io.backupsuite.dispatcher.queue.Completion;
import io.backupsuite.dispatcher.queue.CompletionResult;
import io.backupsuite.dispatcher.queue.NewTask;
import io.backupsuite.dispatcher.queue.QueueSettings;
import io.backupsuite.dispatcher.queue.Renewal;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** Dispatch loops on real Redis and Kafka, without Spring: exactly-once attempts, promptness. */
class DispatchLoopIntegrationTests {

    private final WireCodec codec = new WireCodec();
    private final List<DispatchLoop> loops = new ArrayList<>();
    private final String namespace = "loop-" + UUID.randomUUID();

    @AfterEach
    void stopLoops() {
        loops.forEach(DispatchLoop::stop);
    }

    private static KafkaTemplate<String, byte[]> kafka() {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafka(), ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 1),
                new StringSerializer(), new ByteArraySerializer()));
    }

    private DispatchLoop start(TaskQueue queue, int batch) {
        DispatchLoop loop = new DispatchLoop(
                queue, kafka(), new DispatchLoop.Settings(batch, 10_000, batch, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10)), new SimpleMeterRegistry());
        loop.start();
        loops.add(loop);
        return loop;
    }

    private static NewTask task(String key) {
        String sha = "0f".repeat(32);
        return new NewTask(key, sha, 1, "{\"objectKey\":\"" + key + "\",\"size\":1,\"sha256\":\"" + sha
                + "\",\"sources\":[\"https://files.example.com/" + key + "\"]}");
    }

    private List<TaskMessage> messages(TopicTap tap, Set<String> ids) {
        return tap.records().stream()
                .map(r -> codec.decode(r.value(), TaskMessage.class))
                .filter(m -> ids.contains(m.taskId()))
                .toList();
    }

    @Test
    void twoDispatchersNeverPublishOneAttemptTwiceAndDispatchEveryTask() throws Exception {
        QueueSettings settings = QueueSettings.defaults(namespace).withLease(Duration.ofSeconds(1)).withMaxAttempts(2);
        TaskQueue first = new TaskQueue(TestInfra.template(), settings);
        TaskQueue second = new TaskQueue(TestInfra.template(), settings);
        int n = 1000;
        List<NewTask> tasks = IntStream.range(0, n).mapToObj(i -> task(namespace + "/" + i)).toList();
        Set<String> ids = tasks.stream().map(NewTask::taskId).collect(Collectors.toSet());
        Set<String> started = new HashSet<>();
        try (TopicTap tap = new TopicTap(Topics.TASKS)) {
            // tasks that never finish keep each loop's in-flight limit at one claim batch
            start(first, 250);
            start(second, 250);
            for (int i = 0; i < n; i += 200) {
                (i % 400 == 0 ? first : second).enqueue(tasks.subList(i, i + 200));
            }
            // a worker that starts every attempt (one progress report) and dies: every task is
            // leased twice (started attempts whose lease expired) and then dead
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                startOnce(first, messages(tap, ids), started);
                return first.stats().dead() == n;
            });

            List<TaskMessage> published = messages(tap, ids);
            Set<String> attempts = new HashSet<>();
            for (TaskMessage m : published) {
                assertThat(attempts.add(m.taskId() + "/" + m.attemptToken())).as("published twice: %s", m).isTrue();
            }
            // a progress report that came in after its lease expired leaves that attempt unstarted:
            // it is published again under the same attempt number with a new token
            assertThat(published).hasSizeGreaterThanOrEqualTo(2 * n);
            assertThat(published.stream().map(TaskMessage::taskId).collect(Collectors.toSet())).isEqualTo(ids);
            assertThat(published.stream().filter(m -> m.attempt() == 2).map(TaskMessage::taskId).collect(Collectors.toSet()))
                    .isEqualTo(ids);
            assertThat(published).allMatch(m -> m.attempt() <= 2);
        }
    }

    private static void startOnce(TaskQueue queue, List<TaskMessage> published, Set<String> started) {
        List<Renewal> reports = published.stream()
                .filter(m -> started.add(m.taskId() + "/" + m.attemptToken())) // a token is unique per task
                .map(m -> new Renewal(m.taskId(), m.attemptToken(), 0, m.size(), "", "w"))
                .toList();
        queue.renew(reports);
    }

    @Test
    void aDelayedTaskIsRedispatchedWithinAFractionOfASecondOfItsRetryTime() throws Exception {
        TaskQueue queue = new TaskQueue(TestInfra.template(), QueueSettings.defaults(namespace));
        NewTask task = task(namespace + "/flaky");
        try (TopicTap tap = new TopicTap(Topics.TASKS)) {
            start(queue, 100);
            queue.enqueue(List.of(task));
            TaskMessage first = await().atMost(Duration.ofSeconds(10))
                    .until(() -> messages(tap, Set.of(task.taskId())), m -> m.size() == 1).get(0);
            CompletionResult failed = queue.complete(List.of(
                    Completion.failed(task.taskId(), first.attemptToken(), "io", Duration.ofMillis(700)))).get(0);
            assertThat(failed.outcome()).isEqualTo(CompletionResult.Outcome.DELAYED);

            TaskMessage second = await().atMost(Duration.ofSeconds(10))
                    .until(() -> messages(tap, Set.of(task.taskId())), m -> m.size() == 2).get(1);
            long lateBy = second.dispatchedAtMillis() - (failed.serverTimeMillis() + 700);
            System.out.println("delayed task redispatched " + lateBy + " ms after its retry time");
            assertThat(lateBy).isBetween(0L, 250L);
        }
    }

    @Test
    void anIdleLoopDispatchesANewTaskWithinMilliseconds() throws Exception {
        TaskQueue queue = new TaskQueue(TestInfra.template(), QueueSettings.defaults(namespace));
        try (TopicTap tap = new TopicTap(Topics.TASKS)) {
            start(queue, 100);
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                NewTask task = task(namespace + "/idle-" + i);
                queue.enqueue(List.of(task));
                TaskMessage m = await().atMost(Duration.ofSeconds(10))
                        .until(() -> messages(tap, Set.of(task.taskId())), l -> l.size() == 1).get(0);
                latencies.add(m.dispatchedAtMillis() - m.createdAtMillis());
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.println("idle intake->claim latency ms: p50=" + sorted.get(sorted.size() / 2) + " max=" + sorted.get(sorted.size() - 1));
            assertThat(sorted.get(sorted.size() / 2)).isLessThan(100L);
        }
    }
}
