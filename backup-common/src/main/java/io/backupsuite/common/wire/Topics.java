package io.backupsuite.common.wire;

/** Kafka topic names shared by every service; the one place they are spelled. */
public final class Topics {

    /** Upload notifications published by upload services (same JSON as {@code POST /api/v1/uploads}). */
    public static final String INTAKE = "backup.intake";

    /** Notifications the Kafka intake could not accept, with the reason (a dead-letter topic). */
    public static final String INTAKE_REJECTED = "backup.intake.rejected";

    /** Leased task attempts handed from dispatchers to workers, keyed by object key. */
    public static final String TASKS = "backup.tasks";

    /** Outcome of each attempt, from workers back to dispatchers. */
    public static final String RESULTS = "backup.results";

    /** Throttled transfer progress; each message also renews the attempt's lease. */
    public static final String PROGRESS = "backup.progress";

    private Topics() {}
}
