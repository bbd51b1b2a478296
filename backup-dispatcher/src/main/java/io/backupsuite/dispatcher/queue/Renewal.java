package io.backupsuite.dispatcher.queue;

import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.TaskProgress.ServedRange;
import java.util.List;
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
 * @param chunksVerified staged chunks verified so far
 * @param ranges which replica served which byte ranges, bounded as {@link TaskProgress#bounded(List)} does
 */
public record Renewal(
        String taskId,
        String attemptToken,
        long bytesDone,
        long totalBytes,
        String source,
        String workerId,
        int chunksVerified,
        List<ServedRange> ranges) {

    public Renewal {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(attemptToken, "attemptToken");
        source = source == null ? "" : source;
        workerId = workerId == null ? "" : workerId;
        ranges = TaskProgress.bounded(ranges);
    }

    /** A renewal without chunk and range detail. */
    public Renewal(String taskId, String attemptToken, long bytesDone, long totalBytes, String source, String workerId) {
        this(taskId, attemptToken, bytesDone, totalBytes, source, workerId, 0, List.of());
    }
}
