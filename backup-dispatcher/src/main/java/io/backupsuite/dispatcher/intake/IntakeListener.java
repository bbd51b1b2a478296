package io.backupsuite.dispatcher.intake;

import io.backupsuite.common.web.ProblemAdvice.FieldProblem;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.DispatcherProperties;
import io.backupsuite.dispatcher.queue.NewTask;
import io.backupsuite.dispatcher.queue.TaskQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka intake: the same JSON as {@code POST /api/v1/uploads}. Valid notifications of a poll
 * are enqueued in one script call; invalid ones go to {@link Topics#INTAKE_REJECTED} with the
 * reason. The listener returns, and the offsets are committed, only after both happened, so a
 * crash in between redelivers (enqueue is idempotent).
 */
@Component
class IntakeListener {

    private static final Logger log = LoggerFactory.getLogger(IntakeListener.class);

    private final TaskQueue queue;
    private final NotificationValidator validator;
    private final KafkaTemplate<String, byte[]> kafka;
    private final DispatcherProperties properties;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final WireCodec codec = new WireCodec();

    IntakeListener(
            TaskQueue queue, NotificationValidator validator, KafkaTemplate<String, byte[]> kafka, DispatcherProperties properties) {
        this.queue = queue;
        this.validator = validator;
        this.kafka = kafka;
        this.properties = properties;
    }

    @KafkaListener(id = "dispatcher-intake", topics = Topics.INTAKE)
    void onNotifications(List<ConsumerRecord<String, byte[]>> records) throws Exception {
        List<NewTask> tasks = new ArrayList<>(records.size());
        List<CompletableFuture<?>> rejections = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            List<FieldProblem> problems = new ArrayList<>();
            NewTask task = null;
            String reason = "invalid notification";
            try {
                JsonNode node = record.value() == null ? null : mapper.readTree(record.value());
                task = validator.validate(node, "", problems);
            } catch (JacksonException e) {
                reason = "malformed JSON: " + e.getOriginalMessage();
            }
            if (task != null) {
                tasks.add(task);
            } else {
                rejections.add(reject(record, reason, problems));
            }
        }
        queue.enqueue(tasks);
        CompletableFuture.allOf(rejections.toArray(CompletableFuture[]::new))
                .get(properties.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<?> reject(ConsumerRecord<String, byte[]> record, String reason, List<FieldProblem> problems) {
        log.info("Rejected intake message {}-{}@{}: {} {}", record.topic(), record.partition(), record.offset(), reason, problems);
        String payload = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        var rejection = new Rejection(reason, problems, record.topic(), record.partition(), record.offset(), payload);
        return kafka.send(Topics.INTAKE_REJECTED, record.key(), codec.encode(rejection));
    }

    /** What {@link Topics#INTAKE_REJECTED} carries: why, where it came from, and the message as sent. */
    record Rejection(String reason, List<FieldProblem> errors, String topic, int partition, long offset, String payload) {
        Rejection {
            errors = List.copyOf(errors);
        }
    }
}
