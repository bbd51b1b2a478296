package io.backupsuite.worker.catalog;

/** A catalog write that was not made durable; the caller must not report success. */
public final class CatalogException extends Exception {

    private CatalogException(String message, Throwable cause) {
        super(message, cause);
    }

    static CatalogException notDurable(String objectKey, Throwable cause) {
        return new CatalogException("catalog entry for an object could not be made durable: " + cause.getMessage(), cause);
    }

    static CatalogException invalid(String why) {
        return new CatalogException(why, null);
    }
}
