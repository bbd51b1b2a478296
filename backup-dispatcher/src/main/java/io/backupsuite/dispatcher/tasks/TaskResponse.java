package io.backupsuite.dispatcher.tasks;

import io.backupsuite.dispatcher.queue.TaskView;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A task as the API shows it. */
record TaskResponse(
        String taskId,
        String objectKey,
        String sha256,
        long size,
        String status,
        int attempts,
        int unstartedExpiries,
        @Nullable String lastError,
        List<String> errors,
        @Nullable Progress progress,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant doneAt) {

    TaskResponse {
        errors = List.copyOf(errors);
    }

    static TaskResponse of(TaskView view) {
        Progress progress = view.progress() == null
                ? null
                : new Progress(
                        view.progress().bytesDone(),
                        view.progress().totalBytes(),
                        view.progress().source(),
                        view.progress().workerId(),
                        view.progress().chunksVerified(),
                        view.progress().ranges().stream().map(r -> new Range(r.source(), r.from(), r.to())).toList());
        return new TaskResponse(
                view.taskId(),
                view.objectKey(),
                view.sha256(),
                view.size(),
                view.status().name(),
                view.attempts(),
                view.unstartedExpiries(),
                view.lastError(),
                view.errors(),
                progress,
                Instant.ofEpochMilli(view.createdAtMillis()),
                Instant.ofEpochMilli(view.updatedAtMillis()),
                view.doneAtMillis() == null ? null : Instant.ofEpochMilli(view.doneAtMillis()));
    }

    /** The latest progress report of the task's attempt; {@code ranges}: which replica served which bytes. */
    record Progress(long bytesDone, long totalBytes, String source, String workerId, int chunksVerified, List<Range> ranges) {}

    /** Bytes {@code [from, to)} received from {@code source}. */
    record Range(String source, long from, long to) {}
}
