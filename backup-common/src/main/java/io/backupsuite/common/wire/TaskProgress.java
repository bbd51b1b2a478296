package io.backupsuite.common.wire;

/**
 * Throttled progress of a running attempt, published on {@link Topics#PROGRESS}. The dispatcher
 * records it on the task and renews the attempt's lease, so a live transfer is never redelivered.
 *
 * @param taskId the task
 * @param attemptToken the attempt; a stale token renews nothing
 * @param workerId the worker running it
 * @param bytesDone verified bytes so far
 * @param totalBytes expected total
 * @param source the replica URL currently in use
 * @param atMillis when the progress was measured
 */
public record TaskProgress(
        String taskId, String attemptToken, String workerId, long bytesDone, long totalBytes, String source, long atMillis) {}
