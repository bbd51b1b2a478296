package io.backupsuite.dispatcher.tasks;

import io.backupsuite.dispatcher.queue.QueueStats;
import io.backupsuite.dispatcher.queue.RetryResult;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.backupsuite.dispatcher.queue.TaskStatus;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reading tasks and queues, listing dead and working tasks, and sending dead ones round again. */
@RestController
@RequestMapping("/api/v1")
class TaskController {

    private static final int MAX_LIST = 1000;

    private final TaskQueue queue;

    TaskController(TaskQueue queue) {
        this.queue = queue;
    }

    @GetMapping("/tasks/{taskId}")
    TaskResponse task(@PathVariable String taskId) {
        return queue.find(taskId).map(TaskResponse::of).orElseThrow(() -> TaskException.notFound(taskId));
    }

    @GetMapping("/tasks")
    TaskList tasks(@RequestParam(defaultValue = "DEAD") String status, @RequestParam(defaultValue = "100") int limit) {
        boolean working = TaskStatus.WORKING.name().equalsIgnoreCase(status);
        if (!working && !TaskStatus.DEAD.name().equalsIgnoreCase(status)) {
            throw TaskException.badQuery("Only status=DEAD or status=WORKING can be listed.");
        }
        if (limit < 1 || limit > MAX_LIST) {
            throw TaskException.badQuery("limit must be between 1 and " + MAX_LIST + ".");
        }
        var tasks = working ? queue.working(limit) : queue.dead(limit);
        return new TaskList(tasks.stream().map(TaskResponse::of).toList());
    }

    @GetMapping("/queues")
    Depths queues() {
        QueueStats stats = queue.stats();
        return new Depths(stats.pending(), stats.working(), stats.delay(), stats.dead());
    }

    @PostMapping("/tasks/{taskId}/retry")
    Retried retry(@PathVariable String taskId) {
        RetryResult result = queue.retry(taskId);
        return switch (result.outcome()) {
            case RETRIED -> new Retried(taskId, TaskStatus.PENDING.name());
            case NOT_FOUND -> throw TaskException.notFound(taskId);
            case NOT_DEAD -> throw TaskException.notDead(taskId, result.status());
        };
    }

    record TaskList(List<TaskResponse> tasks) {
        TaskList {
            tasks = List.copyOf(tasks);
        }
    }

    record Depths(long pending, long working, long delay, long dead) {}

    record Retried(String taskId, String status) {}
}
