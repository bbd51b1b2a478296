package io.backupsuite.dispatcher.results;

import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.queue.Completion;
import io.backupsuite.dispatcher.queue.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Applies the workers' results from {@link Topics#RESULTS}, a poll at a time in one script call:
 * success closes the task, failure schedules the next attempt after a backoff (or ends it dead).
 * A message that cannot be read is logged and skipped; it must not block the partition.
 */
@Component
class ResultListener {

    private static final Logger log = LoggerFactory.getLogger(ResultListener.class);
    private static final int MAX_ERROR_LENGTH = 1000;

    private final TaskQueue queue;
    private final Backoff backoff;
    private final WireCodec codec = new WireCodec();

    ResultListener(TaskQueue queue, Backoff backoff) {
        this.queue = queue;
        this.backoff = backoff;
    }

    @KafkaListener(id = "dispatcher-results", topics = Topics.RESULTS)
    void onResults(List<ConsumerRecord<String, byte[]>> records) {
        List<Completion> completions = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                completions.add(completion(codec.decode(record.value(), TaskResult.class)));
            } catch (RuntimeException e) {
                log.warn("Skipped unreadable result {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        queue.complete(completions);
    }

    private Completion completion(TaskResult result) {
        if (result.taskId() == null || result.attemptToken() == null || result.outcome() == null) {
            throw new IllegalArgumentException("taskId, attemptToken and outcome are required");
        }
        if (result.outcome() == TaskResult.Outcome.SUCCEEDED) {
            return Completion.succeeded(result.taskId(), result.attemptToken());
        }
        return Completion.failed(
                result.taskId(),
                result.attemptToken(),
                reason(result),
                backoff.after(Backoff.attemptOf(result.attemptToken())));
    }

    private static String reason(TaskResult result) {
        String kind = result.errorKind() == null ? "error" : result.errorKind();
        String text = result.error() == null ? kind : kind + ": " + result.error();
        if (result.workerId() != null) {
            text = text + " (worker " + result.workerId() + ")";
        }
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) + "..." : text;
    }
}
