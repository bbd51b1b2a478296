package io.backupsuite.worker.intake;

import io.micrometer.core.instrument.MeterRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskResult.Outcome;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.WorkerIntegrationTest;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.download.ErrorKind;
import io.backupsuite.worker.store.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.ConsumerFactory;

/** Task attempts through real Kafka: download, store, catalog, result — and every way a source can fail. */
class TaskPipelineIntegrationTests extends WorkerIntegrationTest {

    @Autowired
    Catalog catalog;

    @Autowired
    BlobStore store;

    @Autowired
    ConsumerFactory<?, ?> consumers;

    @Autowired
    MeterRegistry meters;

    private double packedBlobs() {
        return meters.get("backup.worker.store.packed.blobs").gauge().value();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void tasksAreBackedUpAndReportedAsSucceeded() throws Exception {
        List<byte[]> contents = IntStream.range(0, 6).mapToObj(i -> random(50_000 + i * 7_000, i)).toList();
        List<TaskMessage> tasks = IntStream.range(0, contents.size())
                .mapToObj(i -> task("pipeline/file-" + i, contents.get(i), SOURCE.serve("p" + i, contents.get(i), Behaviour.OK)))
                .toList();
        tasks.forEach(this::publish);
        for (int i = 0; i < tasks.size(); i++) {
            TaskMessage task = tasks.get(i);
            TaskResult result = await().until(() -> collector.results().get(task.taskId()), r -> r != null);
            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.attemptToken()).isEqualTo(task.attemptToken());
            assertThat(result.workerId()).isEqualTo(NODE_ID);
            assertThat(result.bytes()).isEqualTo(contents.get(i).length);
            byte[] stored = store.content(task.sha256()).orElseThrow().readAll();
            assertThat(TestSource.sha256(stored)).isEqualTo(task.sha256());
            assertThat(catalog.get(task.objectKey())).hasValueSatisfying(e -> {
                assertThat(e.sha256()).isEqualTo(task.sha256());
                assertThat(e.version()).isEqualTo(1);
                assertThat(e.holders()).containsExactly(NODE_ID);
            });
        }
        // attempts this short send no progress (see ProgressPublisherIntegrationTests for the lease renewal of long ones)
        assertThat(files("tmp")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND, SOURCE_STATUS",
        "SERVER_ERROR, SOURCE_STATUS",
        "CUT_MID_BODY, SOURCE_UNAVAILABLE",
        "TOO_MANY_BYTES, SIZE_MISMATCH",
        "TOO_FEW_BYTES, SIZE_MISMATCH",
        "WRONG_BYTES, CHECKSUM_MISMATCH",
        "STALL_HEADERS, TIMEOUT",
        "STALL_BODY, TIMEOUT"
    })
    void aMisbehavingSourceFailsTheAttemptAndStoresNothing(Behaviour behaviour, ErrorKind kind) throws Exception {
        byte[] content = random(80_000, behaviour.ordinal() + 100);
        TaskMessage task = task("failing/" + behaviour, content, SOURCE.serve("bad-" + behaviour, content, behaviour));
        TaskResult result = run(task);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.errorKind()).isEqualTo(kind.name());
        assertThat(result.error()).contains(task.sources().get(0));
        assertThat(store.contains(task.sha256())).isFalse();
        assertThat(catalog.get(task.objectKey())).isEmpty();
        assertThat(files("tmp")).isEmpty();
        assertThat(files("staging")).isEmpty();
    }

    @Test
    void theNextAttemptOfATaskResumesFromTheChunksTheFailedOneStaged() {
        byte[] content = random(300_000, 11);
        // the first two responses that reach byte 100,000 drop there: both tries of attempt 1 fail on chunk 1
        TestSource flaky = new TestSource();
        try (flaky) {
            TaskMessage first = task("resume/big", content, flaky.serveFlaky("big", content, 100_000, 2, null));
            TaskResult failed = run(first);
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.errorKind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE.name());
            assertThat(failed.error()).contains("65536 of 300000 bytes staged for the next attempt");

            collector.results().remove(first.taskId());
            TaskMessage second = new TaskMessage(first.taskId(), "attempt-2", 2, first.objectKey(), first.size(),
                    first.sha256(), first.sources(), first.leaseMillis(), System.currentTimeMillis(), System.currentTimeMillis());
            assertThat(run(second).outcome()).isEqualTo(Outcome.SUCCEEDED);
            // chunk 0, then 34,464 bytes of chunk 1 kept as a partial chunk; the second try breaks at once
            assertThat(flaky.bytesSent()).as("nothing fetched twice").isEqualTo(300_000);
            assertThat(store.contains(first.sha256())).isTrue();
            await().untilAsserted(() -> assertThat(files("staging")).isEmpty());
        }
    }

    @Test
    void sourcesOffTheAllowListAreRefusedWithoutAConnection() {
        byte[] content = random(1_000, 7);
        int before = SOURCE.requests();
        TaskMessage task = task(
                "refused/1", content,
                "http://localhost:" + SOURCE.port() + "/ok/x",
                "http://169.254.169.254/latest/meta-data/",
                "file:///etc/passwd");
        TaskResult result = run(task);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.errorKind()).isEqualTo(ErrorKind.SOURCE_NOT_ALLOWED.name());
        assertThat(SOURCE.requests()).isEqualTo(before);
        assertThat(catalog.get("refused/1")).isEmpty();
    }

    @Test
    void attemptsBeyondTheTransferSlotsAreAdmittedButNoMoreThanConcurrencyTransfersRun() {
        // concurrency 4: four transfer slots, 16 attempts at once (and one poll brings at most 16 tasks)
        assertThat(consumers.getConfigurationProperties()).containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        List<TaskMessage> tasks = IntStream.range(0, 6).mapToObj(i -> {
            byte[] content = random(10_000, 500 + i);
            return task("slots/" + i, content, SOURCE.serve("slots-" + i, content, Behaviour.STALL_HEADERS));
        }).toList();
        tasks.forEach(this::publish);

        // each stalled attempt holds its slot for two tries of the 1 s idle timeout: until then no fifth file is asked for
        await().until(() -> tasks.stream().filter(t -> SOURCE.wasRequested(t.sources().get(0))).count() == 4);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> tasks.stream().filter(t -> SOURCE.wasRequested(t.sources().get(0))).count() == 4);
        for (TaskMessage task : tasks) {
            TaskResult result = await().atMost(Duration.ofSeconds(30)).until(() -> collector.results().get(task.taskId()), r -> r != null);
            assertThat(result.errorKind()).isEqualTo(ErrorKind.TIMEOUT.name());
        }
    }

    @Test
    void theSameContentIsStoredOnceAndKeepsItsVersion() throws Exception {
        byte[] first = "version one".getBytes(StandardCharsets.UTF_8);
        byte[] second = "version two".getBytes(StandardCharsets.UTF_8);
        String url = SOURCE.serve("dup-1", first, Behaviour.OK);
        int before = SOURCE.requests();
        double packedBefore = packedBlobs();

        assertThat(run(task("dup/a", first, url)).outcome()).isEqualTo(Outcome.SUCCEEDED);
        TaskResult again = run(task("dup/a", first, url)); // a redelivered or repeated task
        TaskResult otherKey = run(task("dup/b", first, url)); // another key, same content
        assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.bytes()).isZero();
        assertThat(otherKey.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(SOURCE.requests() - before).as("only the first attempt downloads").isEqualTo(1);
        assertThat(packedBlobs() - packedBefore).as("one packed copy of the content").isEqualTo(1);
        assertThat(store.content(TestSource.sha256(first)).orElseThrow().readAll()).isEqualTo(first);
        assertThat(catalog.get("dup/a").orElseThrow().version()).isEqualTo(1);

        assertThat(run(task("dup/a", second, SOURCE.serve("dup-2", second, Behaviour.OK))).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(catalog.get("dup/a").orElseThrow().version()).isEqualTo(2);
        assertThat(catalog.get("dup/a").orElseThrow().sha256()).isEqualTo(TestSource.sha256(second));
        assertThat(catalog.get("dup/b").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void anUnreadableMessageIsSkippedAndTheNextTaskRuns() {
        kafka.send(Topics.TASKS, "junk", "{not json".getBytes(StandardCharsets.UTF_8)).join();
        byte[] content = random(2_000, 9);
        assertThat(run(task("after-junk", content, SOURCE.serve("after-junk", content, Behaviour.OK))).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
    }
}
