package io.backupsuite.catalog.log;

/** The kinds of log entries. Only {@link #OPERATION} entries change the catalog. */
public final class EntryType {

    /** A catalog operation (store object version, delete). */
    public static final byte OPERATION = 1;
    /** Written by a new primary as the first entry of its epoch; committing it commits everything before it. */
    public static final byte EPOCH_START = 2;
    /** Annuls a range of earlier entries whose writes timed out; nobody applies them. */
    public static final byte ROLLBACK = 3;

    private EntryType() {}

    public static boolean valid(byte type) {
        return type >= OPERATION && type <= ROLLBACK;
    }
}
