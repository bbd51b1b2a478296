package io.backupsuite.worker.limits;

/** A transfer the worker refuses for now: a later attempt (on this worker or another) may succeed. */
public final class LimitException extends Exception {

    /** Which limit refused the transfer. */
    public enum Kind {
        /** Every slot for the source host stayed taken for the whole wait. */
        SOURCE_BUSY,
        /** The data directory would fall below its free-space threshold. */
        DISK_FULL
    }

    private final Kind kind;

    private LimitException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static LimitException sourceBusy(String hostPort, int limit, long waitedMillis) {
        return new LimitException(Kind.SOURCE_BUSY, "all " + limit + " transfer slots for source host " + hostPort
                + " stayed taken for " + waitedMillis + " ms");
    }

    static LimitException diskFull(long needed, long free, long reserved, long threshold) {
        return new LimitException(Kind.DISK_FULL, "not enough free space in the data directory: the object needs "
                + needed + " bytes, " + free + " are free, " + reserved + " are reserved by running transfers, and "
                + threshold + " must stay free");
    }

    static LimitException interrupted() {
        return new LimitException(Kind.SOURCE_BUSY, "interrupted while waiting for a source host slot (worker is shutting down)");
    }

    public Kind kind() {
        return kind;
    }
}
