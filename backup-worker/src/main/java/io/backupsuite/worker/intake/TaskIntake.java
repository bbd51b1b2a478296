package io.backupsuite.worker.intake;

/** What the rest of the worker may ask the intake: how busy it is. */
public interface TaskIntake {

    /** Attempts accepted from Kafka and not yet finished (running or waiting for a slot). */
    int inFlight();
}
