package io.backupsuite.worker.restore;

import io.backupsuite.worker.catalog.CatalogEntry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** One restore: what is restored where, and how far it got. Progress is updated by the job's thread and read by the API. */
final class RestoreJob {

    enum Status { QUEUED, RUNNING, SUCCEEDED, FAILED }

    private final String id;
    private final CatalogEntry entry;
    private final RestoreTarget target;
    private final Instant createdAt;
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile Status status = Status.QUEUED;
    private volatile @Nullable String error;
    private volatile @Nullable Instant finishedAt;

    RestoreJob(String id, CatalogEntry entry, RestoreTarget target, Instant createdAt) {
        this.id = id;
        this.entry = entry;
        this.target = target;
        this.createdAt = createdAt;
    }

    String id() {
        return id;
    }

    CatalogEntry entry() {
        return entry;
    }

    RestoreTarget target() {
        return target;
    }

    void running() {
        status = Status.RUNNING;
    }

    void progress(long bytes) {
        bytesDone.set(bytes);
    }

    void succeeded(Instant at) {
        finishedAt = at;
        status = Status.SUCCEEDED;
    }

    void failed(String why, Instant at) {
        error = why;
        finishedAt = at;
        status = Status.FAILED;
    }

    boolean finished() {
        return status == Status.SUCCEEDED || status == Status.FAILED;
    }

    RestoreView view() {
        return new RestoreView(id, entry.objectKey(), entry.version(), entry.sha256(), target.describe(), status,
                bytesDone.get(), entry.size(), error, createdAt, finishedAt);
    }
}
