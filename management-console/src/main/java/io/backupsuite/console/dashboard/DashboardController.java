package io.backupsuite.console.dashboard;

import io.backupsuite.console.audit.AuditEntry;
import io.backupsuite.console.audit.AuditLog;
import io.backupsuite.console.failover.Operators;
import io.backupsuite.console.roles.RoleBook;
import io.backupsuite.console.roles.RoleChange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the admin page shows beyond the node table: the dispatcher's queues, transfers in flight and dead
 * tasks (read through the console, which holds the credential), role-change history and the audit log; and the
 * operator's retry of a dead task.
 */
@RestController
class DashboardController {

    private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int LIST = 50;

    private final DispatcherClient dispatcher;
    private final RoleBook roles;
    private final AuditLog audit;

    DashboardController(DispatcherClient dispatcher, RoleBook roles, AuditLog audit) {
        this.dispatcher = dispatcher;
        this.roles = roles;
        this.audit = audit;
    }

    @GetMapping("/api/v1/dashboard/queues")
    JsonNode queues() {
        JsonNode depths = dispatcher.get("/api/v1/queues");
        long completed = dispatcher.completedTotal();
        if (depths instanceof ObjectNode object && completed >= 0) {
            object.put("completed", completed);
        }
        return depths;
    }

    @GetMapping("/api/v1/dashboard/transfers")
    JsonNode transfers() {
        return dispatcher.get("/api/v1/tasks?status=WORKING&limit=" + LIST);
    }

    @GetMapping("/api/v1/dashboard/dead")
    JsonNode dead() {
        return dispatcher.get("/api/v1/tasks?status=DEAD&limit=" + LIST);
    }

    @PostMapping("/api/v1/dashboard/tasks/{taskId}/retry")
    JsonNode retry(@PathVariable String taskId, HttpServletRequest http) {
        String who = Operators.who(http);
        if (!TASK_ID.matcher(taskId).matches()) {
            audit.record(who, "retry", taskId.length() > 64 ? taskId.substring(0, 64) : taskId, "refused: malformed id", null);
            throw io.backupsuite.common.web.ApiException.badRequest("invalid-task-id", "A task id is 32 lowercase hex digits.");
        }
        try {
            JsonNode answer = dispatcher.post("/api/v1/tasks/" + taskId + "/retry");
            audit.record(who, "retry", taskId, "ok", null);
            return answer;
        } catch (RuntimeException e) {
            audit.record(who, "retry", taskId, "failed: " + e.getMessage(), null);
            throw e;
        }
    }

    @GetMapping("/api/v1/roles/history")
    List<RoleChange> history() {
        return roles.history(100);
    }

    @GetMapping("/api/v1/audit")
    List<AuditEntry> audit() {
        return audit.recent(100);
    }
}
