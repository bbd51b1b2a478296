package io.backupsuite.common.wire;

/** The role of a storage-group member (M1): who takes writes, who follows, who is next in line. */
public enum GroupRole {
    /** Sequences, logs and commits catalog writes; one per group and epoch. */
    PRIMARY,
    /** Logs the primary's entries and answers ready. */
    STANDBY,
    /** The standby granted the right to take over when the primary fails or hands over. */
    QUASI_PRIMARY,
    /** Out of service: neither counted toward a quorum nor sent entries until it returns and catches up. */
    UNAVAILABLE
}
