package io.backupsuite.dispatcher.queue;

import java.util.Objects;

/**
 * Progress of a running attempt; renews its lease when the token is current.
 *
 * @param taskId the task
 * @param attemptToken the attempt's token
 * @param bytesDone verified bytes so far
 * @param totalBytes expected total
 * @param source replica URL in use
 * @param workerId the worker running the attempt
 */
public record Renewal(String taskId, String attemptToken, long bytesDone, long totalBytes, String source, String workerId) {

    public Renewal {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(attemptToken, "attemptToken");
        source = source == null ? "" : source;
        workerId = workerId == null ? "" : workerId;
    }
}
