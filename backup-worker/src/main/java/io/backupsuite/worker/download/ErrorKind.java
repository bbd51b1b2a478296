package io.backupsuite.worker.download;

/** Why an attempt failed; sent as {@code TaskResult.errorKind} so the dispatcher and operators can tell causes apart. */
public enum ErrorKind {
    /** No listed source is on the allow-list (or it resolves to a forbidden address). */
    SOURCE_NOT_ALLOWED,
    /** The source could not be reached, or the connection broke mid-body. */
    SOURCE_UNAVAILABLE,
    /** The source answered with an error status (404, 500, too many redirects). */
    SOURCE_STATUS,
    /** The source sent more or fewer bytes than the task's size. */
    SIZE_MISMATCH,
    /** The bytes do not have the task's SHA-256. */
    CHECKSUM_MISMATCH,
    /** Connecting, waiting for the response, or waiting for more body bytes took too long. */
    TIMEOUT,
    /** The local disk could not store the blob or the catalog entry. */
    STORAGE,
    /** The data directory is below its free-space threshold: refused before any byte was fetched (retryable). */
    DISK_FULL,
    /** Every transfer slot for the source host stayed taken ({@code backup.worker.limits.per-host-concurrency}; retryable). */
    SOURCE_BUSY,
    /**
     * Another attempt of the same object is transferring it on this worker right now (a task handed out again
     * while its earlier attempt still runs); retryable, and harmless: the running attempt stores the object.
     */
    ALREADY_RUNNING,
    /** Anything else; the detail is in the worker's log. */
    INTERNAL
}
