package io.backupsuite.dispatcher.queue;

/** Where a task is in its life: waiting, leased to a worker, waiting for a retry, finished or given up. */
public enum TaskStatus {
    PENDING,
    WORKING,
    DELAYED,
    DONE,
    DEAD
}
