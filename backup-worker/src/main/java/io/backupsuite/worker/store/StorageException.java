package io.backupsuite.worker.store;

import java.io.IOException;

/** The local disk failed to stage or store a blob. */
public final class StorageException extends Exception {

    private StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    static StorageException io(String what, IOException cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new StorageException("disk full: " + what + ": " + message, cause);
        }
        return new StorageException(what + ": " + message, cause);
    }

    /** Whether the disk ran out of space (a retry, here after space is freed or on another worker, may succeed). */
    public boolean diskFull() {
        return getMessage() != null && getMessage().startsWith("disk full: ");
    }

    static StorageException state(String what) {
        return new StorageException(what, null);
    }
}
