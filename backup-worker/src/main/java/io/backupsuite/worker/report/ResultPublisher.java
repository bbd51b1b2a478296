package io.backupsuite.worker.report;

import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes attempt outcomes to {@link Topics#RESULTS}, keyed by task id (acks=all, idempotent
 * producer). It does not hold the attempt's slot while the broker acknowledges: everything a
 * success claims (blob and catalog entry) is already durable when it is sent, and a result Kafka
 * never acknowledges only means the lease expires and the next attempt finds the object stored.
 */
public final class ResultPublisher {

    private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final WireCodec codec;
    private final Duration timeout;

    ResultPublisher(KafkaTemplate<String, byte[]> kafka, WireCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    /** Sends the result; a result Kafka does not acknowledge in time is logged. */
    public void publish(TaskResult result) {
        kafka.send(Topics.RESULTS, result.taskId(), codec.encode(result))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((sent, error) -> {
                    if (error != null) {
                        log.warn("Result of task {} was not acknowledged by Kafka ({}); the lease will expire and the task is retried",
                                result.taskId(), error.toString());
                    }
                });
    }
}
