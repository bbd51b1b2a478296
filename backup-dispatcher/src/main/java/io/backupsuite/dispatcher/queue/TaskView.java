package io.backupsuite.dispatcher.queue;

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

    /** The latest progress of the running (or last) attempt. */
    public record Progress(long bytesDone, long totalBytes, String source, String workerId) {}
}
