package io.backupsuite.dispatcher.intake;

import io.backupsuite.common.web.ProblemAdvice.FieldProblem;
import io.backupsuite.dispatcher.DispatcherProperties;
import io.backupsuite.dispatcher.queue.EnqueueResult;
import io.backupsuite.dispatcher.queue.NewTask;
import io.backupsuite.dispatcher.queue.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Upload notifications over REST. A 202 means the task is on disk in Redis (AOF, fsync always);
 * a batch is validated as a whole and enqueued in one script call, or not at all.
 */
@RestController
@RequestMapping("/api/v1/uploads")
class UploadController {

    private final TaskQueue queue;
    private final NotificationValidator validator;
    private final DispatcherProperties properties;

    UploadController(TaskQueue queue, NotificationValidator validator, DispatcherProperties properties) {
        this.queue = queue;
        this.validator = validator;
        this.properties = properties;
    }

    @PostMapping
    ResponseEntity<Accepted> upload(@RequestBody JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        NewTask task = validator.validate(body, "", problems);
        if (task == null) {
            throw IntakeException.invalid(problems);
        }
        return ResponseEntity.accepted().body(Accepted.of(enqueue(List.of(task)).get(0)));
    }

    @PostMapping("/batch")
    ResponseEntity<BatchAccepted> batch(@RequestBody JsonNode body) {
        List<FieldProblem> problems = new ArrayList<>();
        JsonNode list = body.isObject() ? body.get("notifications") : null;
        if (list == null || !list.isArray()) {
            throw IntakeException.invalid(List.of(new FieldProblem("notifications", "is required and must be an array")));
        }
        if (list.isEmpty() || list.size() > properties.maxBatchNotifications()) {
            throw IntakeException.invalid(List.of(new FieldProblem(
                    "notifications", "must hold 1 to " + properties.maxBatchNotifications() + " notifications")));
        }
        List<NewTask> tasks = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            tasks.add(validator.validate(list.get(i), "notifications[" + i + "].", problems));
        }
        if (!problems.isEmpty()) {
            throw IntakeException.invalid(problems);
        }
        return ResponseEntity.accepted()
                .body(new BatchAccepted(enqueue(tasks).stream().map(Accepted::of).toList()));
    }

    private List<EnqueueResult> enqueue(List<NewTask> tasks) {
        try {
            return queue.enqueue(tasks);
        } catch (DataAccessException e) {
            throw IntakeException.queueUnavailable();
        }
    }

    /** The answer to one accepted notification. */
    record Accepted(String taskId, String status) {
        static Accepted of(EnqueueResult result) {
            return new Accepted(result.taskId(), result.status().name());
        }
    }

    /** The answers to a batch, in the order of the request. */
    record BatchAccepted(List<Accepted> results) {
        BatchAccepted {
            results = List.copyOf(results);
        }
    }
}
