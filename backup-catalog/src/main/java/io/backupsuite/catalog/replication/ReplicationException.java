package io.backupsuite.catalog.replication;

/** A catalog write or a role change that did not happen; {@link #reason()} says why in one word. */
public final class ReplicationException extends RuntimeException {

    /** Why it failed. */
    public enum Reason {
        /** This member is not the primary (or is handing over); {@code primaryId} may name the one to ask. */
        NOT_PRIMARY,
        /** Too few standbys are available to ever reach the quorum: writes fail rather than go unreplicated. */
        QUORUM_UNAVAILABLE,
        /** The write did not reach the quorum in time and was rolled back: nobody applies it. */
        ROLLED_BACK,
        /** The primary lost its epoch to a newer one before the write committed; the outcome is unknown, retry. */
        DEPOSED,
        /** The epoch asked for is not newer than one this member has seen. */
        STALE_EPOCH,
        /** Too few members promised the epoch, or promotion could not take their entries. */
        NO_PROMISES,
        /** The request is malformed. */
        INVALID,
        /** A local disk failure. */
        IO
    }

    private final Reason reason;
    private final String primaryId;

    private ReplicationException(Reason reason, String message, String primaryId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.primaryId = primaryId;
    }

    public static ReplicationException notPrimary(String primaryId) {
        return new ReplicationException(Reason.NOT_PRIMARY, "not the primary" + (primaryId == null ? " (no primary known)" : "; primary is " + primaryId), primaryId, null);
    }

    public static ReplicationException quorumUnavailable(int available, int quorum) {
        return new ReplicationException(Reason.QUORUM_UNAVAILABLE,
                "only " + available + " standbys available, the quorum needs " + quorum + "; refusing unreplicated writes", null, null);
    }

    public static ReplicationException rolledBack(long seq) {
        return new ReplicationException(Reason.ROLLED_BACK, "write " + seq + " was not confirmed by the quorum in time and was rolled back", null, null);
    }

    public static ReplicationException deposed(long epoch) {
        return new ReplicationException(Reason.DEPOSED, "primary was deposed by epoch " + epoch + " before the write committed; outcome unknown", null, null);
    }

    public static ReplicationException staleEpoch(long asked, long seen) {
        return new ReplicationException(Reason.STALE_EPOCH, "epoch " + asked + " is not newer than epoch " + seen, null, null);
    }

    public static ReplicationException noPromises(String why) {
        return new ReplicationException(Reason.NO_PROMISES, why, null, null);
    }

    public static ReplicationException invalid(String why) {
        return new ReplicationException(Reason.INVALID, why, null, null);
    }

    public static ReplicationException io(Throwable cause) {
        return new ReplicationException(Reason.IO, "catalog log failed: " + cause.getMessage(), null, cause);
    }

    public Reason reason() {
        return reason;
    }

    public String primaryId() {
        return primaryId;
    }
}
