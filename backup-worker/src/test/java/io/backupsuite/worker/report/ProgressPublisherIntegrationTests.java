package io.backupsuite.worker.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.worker.WorkerIntegrationTest;
import io.backupsuite.worker.download.ProgressListener;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Progress through real Kafka: a transfer running past the interval renews its attempt's lease; a retry reports its start. */
class ProgressPublisherIntegrationTests extends WorkerIntegrationTest {

    @Autowired
    ProgressPublisher publisher;

    @Test
    void anAttemptRunningLongerThanTheIntervalReportsProgressWithItsToken() {
        TaskMessage task = task("progress/long", new byte[1000], "http://127.0.0.1/unused");
        // received a whole lease-third ago (interval: 2 s, a third of 30 s would be 10 s): the next bytes are reported at once
        ProgressListener listener = publisher.start(task, 10_000);
        listener.onProgress(400, task.sources().get(0));
        await().untilAsserted(() -> assertThat(collector.progress())
                .filteredOn(p -> p.attemptToken().equals(task.attemptToken()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.bytesDone()).isEqualTo(400);
                    assertThat(p.totalBytes()).isEqualTo(1000);
                    assertThat(p.taskId()).isEqualTo(task.taskId());
                }));
    }

    @Test
    void aRetryReportsAtOnceThatItStarted() {
        TaskMessage first = task("progress/retry", new byte[1000], "http://127.0.0.1/unused");
        TaskMessage retry = new TaskMessage(first.taskId(), "attempt-2-token", 2, first.objectKey(), first.size(), first.sha256(),
                first.sources(), first.leaseMillis(), first.createdAtMillis(), first.dispatchedAtMillis());
        publisher.start(retry, 0);
        await().untilAsserted(() -> assertThat(collector.progress())
                .filteredOn(p -> p.attemptToken().equals("attempt-2-token"))
                .singleElement()
                .satisfies(p -> assertThat(p.bytesDone()).isZero()));
    }
}
