package io.backupsuite.localstack;

/** The kinds of process a local stack runs. */
public enum PartKind {
    REDIS,
    KAFKA,
    CONSOLE,
    DISPATCHER,
    WORKER,
    SOURCE
}
