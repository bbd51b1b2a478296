package io.backupsuite.dispatcher.queue;

/**
 * What a completion did to its task.
 *
 * @param taskId the task
 * @param outcome the transition that happened
 * @param attempts the task's attempt count when the result arrived
 * @param createdAtMillis when the task was accepted (Redis clock), {@code 0} if unknown
 * @param serverTimeMillis Redis time of the completion
 */
public record CompletionResult(String taskId, Outcome outcome, int attempts, long createdAtMillis, long serverTimeMillis) {

    /** The transition a completion caused. */
    public enum Outcome {
        /** Succeeded: out of working and delay, kept for the retention period. */
        DONE,
        /** Failed, waiting in the delay queue for its next attempt. */
        DELAYED,
        /** Failed and out of attempts; kept for an operator. */
        DEAD,
        /** The token is not the task's current attempt (a re-leased task); ignored. */
        STALE,
        /** No such task (never existed, or expired after it was done); ignored. */
        UNKNOWN
    }
}
