package io.backupsuite.worker.intake;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Receives task attempts from {@link Topics#TASKS} in batches and hands them to the slots. Offsets
 * are committed once a batch is handed over, not when it is done: the dispatcher's lease, not the
 * Kafka offset, decides redelivery, so an attempt lost with a dying worker comes back when its
 * lease expires.
 */
final class TaskListener {

    static final String ID = "backup-tasks";
    private static final Logger log = LoggerFactory.getLogger(TaskListener.class);

    private final TaskSlots slots;
    private final TaskProcessor processor;
    private final WireCodec codec;
    private final Counter malformed;

    TaskListener(TaskSlots slots, TaskProcessor processor, WireCodec codec, MeterRegistry registry) {
        this.slots = slots;
        this.processor = processor;
        this.codec = codec;
        this.malformed = Counter.builder("backup.worker.tasks.malformed")
                .description("Task messages that could not be read and were skipped")
                .register(registry);
    }

    @KafkaListener(id = ID, topics = Topics.TASKS, groupId = "backup-workers", batch = "true")
    void onTasks(List<ConsumerRecord<String, byte[]>> records) {
        long received = System.nanoTime();
        for (ConsumerRecord<String, byte[]> record : records) {
            TaskMessage task;
            try {
                task = codec.decode(record.value(), TaskMessage.class);
            } catch (RuntimeException e) {
                // a message nobody can read is skipped; the dispatcher's lease brings a real task back
                malformed.increment();
                log.warn("Skipping unreadable task message at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                continue;
            }
            slots.submit(() -> processor.process(task, received));
        }
    }
}
