package io.backupsuite.dispatcher.results;

import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.Topics;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.queue.Renewal;
import io.backupsuite.dispatcher.queue.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Progress from {@link Topics#PROGRESS}: stores it on the task and renews the attempt's lease, so
 * a long transfer that keeps moving is never redelivered. Stale attempts renew nothing.
 */
@Component
class ProgressListener {

    private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

    private final TaskQueue queue;
    private final WireCodec codec = new WireCodec();

    ProgressListener(TaskQueue queue) {
        this.queue = queue;
    }

    @KafkaListener(id = "dispatcher-progress", topics = Topics.PROGRESS)
    void onProgress(List<ConsumerRecord<String, byte[]>> records) {
        List<Renewal> renewals = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                TaskProgress p = codec.decode(record.value(), TaskProgress.class);
                renewals.add(new Renewal(p.taskId(), p.attemptToken(), p.bytesDone(), p.totalBytes(), p.source(), p.workerId(),
                        p.chunksVerified(), p.ranges()));
            } catch (RuntimeException e) {
                log.warn("Skipped unreadable progress {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        queue.renew(renewals);
    }
}
