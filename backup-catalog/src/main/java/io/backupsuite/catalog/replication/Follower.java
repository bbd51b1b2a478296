package io.backupsuite.catalog.replication;

/** How the primary sees one standby: where to send next, what it confirmed, whether it counts. Guarded by the replica. */
final class Follower {

    static final String READY = "READY";
    static final String CATCHING_UP = "CATCHING_UP";
    static final String UNAVAILABLE = "UNAVAILABLE";

    final String id;
    long nextSeq;
    long matchSeq;
    int inFlight;
    int failures;
    /** Bumped when the pipeline is reset; answers of older generations no longer move {@link #nextSeq}. */
    long generation;
    long lastSentNanos;
    String state = CATCHING_UP;
    /** A snapshot is on its way to this standby. */
    boolean snapshotting;
    /** Taken out of service by an operator or the console: not sent to until it is back. */
    boolean outOfService;

    Follower(String id, long nextSeq) {
        this.id = id;
        this.nextSeq = nextSeq;
    }

    void reset(long resumeAt) {
        generation++;
        inFlight = 0;
        nextSeq = Math.max(1, resumeAt);
    }

    /** Whether this standby may still help reach the quorum. */
    boolean eligible() {
        return !outOfService && !UNAVAILABLE.equals(state);
    }
}
