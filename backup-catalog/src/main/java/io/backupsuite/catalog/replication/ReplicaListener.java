package io.backupsuite.catalog.replication;

/** Observes a replica, for metrics and logs. Methods are called from protocol threads and must be quick. */
public interface ReplicaListener {

    ReplicaListener NONE = new ReplicaListener() {};

    /** A write committed and was applied, {@code nanos} after it was submitted. */
    default void committed(long nanos) {}

    /** Writes were rolled back. */
    default void rolledBack(int count) {}

    /** The primary marked a standby unavailable. */
    default void markedUnavailable(String nodeId) {}

    /** One fsync of the log took {@code nanos}. */
    default void fsync(long nanos) {}

    /** A committed entry was applied on this replica (primary or standby). */
    default void applied(long seq, long epoch, int checksum) {}

    /** This replica became primary of {@code epoch}. */
    default void becamePrimary(long epoch) {}
}
