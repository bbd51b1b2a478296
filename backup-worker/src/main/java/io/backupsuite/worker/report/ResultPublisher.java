package io.backupsuite.worker.report;

import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes attempt outcomes to {@link Topics#RESULTS}, keyed by task id, and waits for the
 * broker's acknowledgement (acks=all, idempotent producer) so a result is never reported as sent
 * while only in a buffer.
 */
public final class ResultPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final WireCodec codec;
    private final Duration timeout;

    ResultPublisher(KafkaTemplate<String, byte[]> kafka, WireCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    /** Sends the result and waits for the ack; false when Kafka did not acknowledge in time (the lease then expires). */
    public boolean publish(TaskResult result) {
        try {
            kafka.send(Topics.RESULTS, result.taskId(), codec.encode(result)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
