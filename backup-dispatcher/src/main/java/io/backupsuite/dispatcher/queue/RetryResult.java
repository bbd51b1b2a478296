package io.backupsuite.dispatcher.queue;

import org.jspecify.annotations.Nullable;

/**
 * What an operator retry did.
 *
 * @param outcome whether the task went back to pending
 * @param status the task's status when it was not dead, {@code null} otherwise
 */
public record RetryResult(Outcome outcome, @Nullable TaskStatus status) {

    /** Result of a retry request. */
    public enum Outcome {
        RETRIED,
        NOT_FOUND,
        NOT_DEAD
    }
}
