package io.backupsuite.dispatcher.queue;

import java.util.Objects;

/**
 * A validated upload notification to turn into a task.
 *
 * @param objectKey the upload service's key of the object
 * @param sha256 lowercase hex SHA-256 of the content
 * @param size size in bytes
 * @param notificationJson the normalised notification as JSON, handed to workers with every attempt; it must carry the same
 *     objectKey, sha256 and size: the queue stores only the notification and reads them from it
 */
public record NewTask(String objectKey, String sha256, long size, String notificationJson) {

    public NewTask {
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(notificationJson, "notificationJson");
    }

    /** The task's id, the same for the same object key and content. */
    public String taskId() {
        return TaskIds.of(objectKey, sha256);
    }
}
