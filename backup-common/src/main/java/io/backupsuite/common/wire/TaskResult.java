package io.backupsuite.common.wire;

/**
 * Outcome of one attempt, published by a worker on {@link Topics#RESULTS}.
 *
 * @param taskId the task
 * @param attemptToken the token of the attempt this result closes; stale tokens are ignored
 * @param outcome whether the object is now backed up
 * @param errorKind machine-readable failure class, {@code null} on success
 * @param error human-readable failure reason, {@code null} on success
 * @param workerId the worker that ran the attempt
 * @param bytes bytes transferred in this attempt
 * @param finishedAtMillis when the attempt ended
 */
public record TaskResult(
        String taskId,
        String attemptToken,
        Outcome outcome,
        String errorKind,
        String error,
        String workerId,
        long bytes,
        long finishedAtMillis) {

    /** Whether an attempt backed the object up. */
    public enum Outcome {
        SUCCEEDED,
        FAILED
    }

    public static TaskResult succeeded(TaskMessage task, String workerId, long bytes, long now) {
        return new TaskResult(task.taskId(), task.attemptToken(), Outcome.SUCCEEDED, null, null, workerId, bytes, now);
    }

    public static TaskResult failed(
            TaskMessage task, String workerId, String errorKind, String error, long bytes, long now) {
        return new TaskResult(task.taskId(), task.attemptToken(), Outcome.FAILED, errorKind, error, workerId, bytes, now);
    }
}
