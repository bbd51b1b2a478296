package io.backupsuite.dispatcher.queue;

/**
 * What enqueueing one notification did.
 *
 * @param taskId the task's id
 * @param status the task's status after the call (an existing task keeps its status)
 * @param created {@code false} when the task already existed (a duplicate notification)
 */
public record EnqueueResult(String taskId, TaskStatus status, boolean created) {}
