package io.backupsuite.dispatcher.queue;

/**
 * Queue depths at one moment.
 *
 * @param pending tasks ready to be leased
 * @param working leased attempts
 * @param delay failed tasks waiting for their retry time
 * @param dead tasks out of attempts
 * @param oldestPendingAgeMillis how long the task at the head of pending has waited, {@code 0} when empty
 */
public record QueueStats(long pending, long working, long delay, long dead, long oldestPendingAgeMillis) {}
