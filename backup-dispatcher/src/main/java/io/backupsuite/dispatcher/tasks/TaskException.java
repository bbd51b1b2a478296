package io.backupsuite.dispatcher.tasks;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.dispatcher.queue.TaskStatus;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Refusals of the task API. */
final class TaskException extends ApiException {

    private TaskException(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        super(status, slug, title, detail, properties);
    }

    static TaskException notFound(String taskId) {
        return new TaskException(
                HttpStatus.NOT_FOUND, "task-not-found", "Not found", "No task with id '" + abbreviate(taskId) + "'.", Map.of());
    }

    static TaskException notDead(String taskId, TaskStatus status) {
        return new TaskException(
                HttpStatus.CONFLICT,
                "task-not-dead",
                "Conflict",
                "Task " + taskId + " is " + status + "; only DEAD tasks can be retried.",
                Map.of("status", status.name()));
    }

    static TaskException badQuery(String detail) {
        return new TaskException(HttpStatus.BAD_REQUEST, "invalid-parameter", "Bad request", detail, Map.of());
    }

    private static String abbreviate(String id) {
        String printable = id.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
    }
}
