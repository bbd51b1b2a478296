package io.backupsuite.common.wire;

import java.util.List;

/**
 * One leased attempt of a backup task, published on {@link Topics#TASKS}.
 *
 * @param taskId stable id of the task (the same for every attempt)
 * @param attemptToken fencing token of this attempt; results and renewals must quote it
 * @param attempt attempt number, starting at 1
 * @param objectKey key of the object at the upload service
 * @param size expected size in bytes
 * @param sha256 expected SHA-256, lowercase hex
 * @param sources replica URLs, in the order the upload service gave them
 * @param leaseMillis length of the lease; the worker renews it by reporting progress
 * @param createdAtMillis when the task was accepted at intake
 * @param dispatchedAtMillis when this attempt was leased
 */
public record TaskMessage(
        String taskId,
        String attemptToken,
        int attempt,
        String objectKey,
        long size,
        String sha256,
        List<String> sources,
        long leaseMillis,
        long createdAtMillis,
        long dispatchedAtMillis) {

    public TaskMessage {
        sources = List.copyOf(sources);
    }
}
