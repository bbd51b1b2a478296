package io.backupsuite.dispatcher.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one attempt, as a worker reported it.
 *
 * @param taskId the task
 * @param attemptToken the attempt's token; a stale token changes nothing
 * @param succeeded whether the object is backed up
 * @param error failure reason, {@code null} on success
 * @param retryDelay how long to wait before the next attempt after a failure
 */
public record Completion(String taskId, String attemptToken, boolean succeeded, String error, Duration retryDelay) {

    public Completion {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(attemptToken, "attemptToken");
        retryDelay = retryDelay == null ? Duration.ZERO : retryDelay;
    }

    public static Completion succeeded(String taskId, String attemptToken) {
        return new Completion(taskId, attemptToken, true, null, Duration.ZERO);
    }

    public static Completion failed(String taskId, String attemptToken, String error, Duration retryDelay) {
        return new Completion(taskId, attemptToken, false, error, retryDelay);
    }
}
