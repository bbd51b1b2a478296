package io.backupsuite.worker.catalog;

/** A catalog write that was not committed; the caller must not report success (the task retries). */
public final class CatalogException extends Exception {

    private CatalogException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The write was refused, rolled back, or its outcome is unknown: it is not durable. */
    public static CatalogException notCommitted(String why, Throwable cause) {
        return new CatalogException("catalog entry not committed: " + why, cause);
    }

    /** The write itself is malformed. */
    public static CatalogException invalidWrite(String why) {
        return new CatalogException(why, null);
    }
}
