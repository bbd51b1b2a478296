package io.backupsuite.dispatcher.queue;

/**
 * One attempt leased from the pending queue.
 *
 * @param taskId the task
 * @param attemptToken fencing token of this attempt: {@code <attempt>-<nonce>}
 * @param attempt attempt number within the current attempt budget, from 1
 * @param notificationJson the normalised notification
 * @param createdAtMillis when the task was accepted (Redis clock)
 * @param queuedAtMillis when the task last entered the pending queue (Redis clock)
 */
public record ClaimedTask(
        String taskId, String attemptToken, int attempt, String notificationJson, long createdAtMillis, long queuedAtMillis) {}
