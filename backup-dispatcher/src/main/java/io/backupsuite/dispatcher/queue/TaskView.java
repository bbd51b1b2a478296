package io.backupsuite.dispatcher.queue;

import io.backupsuite.common.wire.TaskProgress.ServedRange;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task as stored, for the task API.
 *
 * @param taskId the task
 * @param objectKey the object's key
 * @param sha256 expected SHA-256
 * @param size expected size
 * @param status current status
 * @param attempts attempts in the current budget
 * @param unstartedExpiries leases in the current budget that expired before the worker started the
 *     attempt; they do not count as attempts
 * @param lastError the latest failure reason, if any
 * @param errors the failure reason of every attempt, oldest first
 * @param progress the latest progress report, if any
 * @param createdAtMillis when the task was accepted
 * @param updatedAtMillis when it last changed
 * @param doneAtMillis when it became DONE, {@code null} before
 * @param notificationJson the normalised notification
 */
public record TaskView(
        String taskId,
        String objectKey,
        String sha256,
        long size,
        TaskStatus status,
        int attempts,
        int unstartedExpiries,
        @Nullable String lastError,
        List<String> errors,
        @Nullable Progress progress,
        long createdAtMillis,
        long updatedAtMillis,
        @Nullable Long doneAtMillis,
        String notificationJson) {

    public TaskView {
        errors = List.copyOf(errors);
    }

    /**
     * The latest progress of the running (or last) attempt.
     *
     * @param bytesDone verified bytes
     * @param totalBytes expected total
     * @param source replica in use
     * @param workerId worker running the attempt
     * @param chunksVerified staged chunks verified
     * @param ranges which replica served which byte ranges (bounded)
     */
    public record Progress(
            long bytesDone, long totalBytes, String source, String workerId, int chunksVerified, List<ServedRange> ranges) {

        public Progress {
            ranges = List.copyOf(ranges);
        }

        public Progress(long bytesDone, long totalBytes, String source, String workerId) {
            this(bytesDone, totalBytes, source, workerId, 0, List.of());
        }
    }
}
