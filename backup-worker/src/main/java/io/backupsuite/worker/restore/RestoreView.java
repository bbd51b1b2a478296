package io.backupsuite.worker.restore;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A restore job as the status API shows it.
 *
 * @param restoreId id of the job
 * @param objectKey key of the restored object
 * @param version version of the key's content
 * @param sha256 content hash the bytes are verified against on the way out
 * @param target where the bytes go ({@code file:<relative path>} or the URL)
 * @param status {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED} or {@code FAILED}
 * @param bytesDone bytes read from the blob and sent so far
 * @param totalBytes size of the object
 * @param error why the job failed
 * @param createdAt when the job was accepted
 * @param finishedAt when it succeeded or failed
 */
record RestoreView(
        String restoreId,
        String objectKey,
        long version,
        String sha256,
        String target,
        RestoreJob.Status status,
        long bytesDone,
        long totalBytes,
        @Nullable String error,
        Instant createdAt,
        @Nullable Instant finishedAt) {}
