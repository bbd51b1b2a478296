package io.backupsuite.worker.store;

import java.io.IOException;

/** The local disk failed to stage or store a blob. */
public final class StorageException extends Exception {

    private StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    static StorageException io(String what, IOException cause) {
        return new StorageException(what + ": " + cause.getMessage(), cause);
    }

    static StorageException state(String what) {
        return new StorageException(what, null);
    }
}
