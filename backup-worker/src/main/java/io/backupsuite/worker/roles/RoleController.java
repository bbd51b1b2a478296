package io.backupsuite.worker.roles;

import io.backupsuite.common.security.Caller;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.worker.replication.ReplicationControl;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives the console's role-table broadcast ({@code POST /internal/v1/roles}, node token only) and hands it to
 * the replicated catalog, which applies it only when it is newer than the one it holds.
 */
@RestController
class RoleController {

    private final ObjectProvider<ReplicationControl> control;

    RoleController(ObjectProvider<ReplicationControl> control) {
        this.control = control;
    }

    @PostMapping("/internal/v1/roles")
    Applied roles(@RequestBody(required = false) @Nullable RoleTable table, HttpServletRequest request) {
        if (!(request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) || !caller.hasAny(Set.of(Role.NODE))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Not allowed",
                    "Only nodes (the console) may send the role table.", Map.of());
        }
        if (table == null || table.version() < 0 || table.nodes().stream().anyMatch(r -> r == null || r.nodeId() == null
                || r.group() == null || r.role() == null || r.address() == null || r.epoch() < 0)) {
            throw ApiException.badRequest("validation", "The body must be a complete role table.");
        }
        ReplicationControl replication = control.getIfAvailable();
        if (replication == null) {
            throw ApiException.unavailable("no-replication", "This worker does not run the replicated catalog.");
        }
        boolean applied = replication.applyRoleTable(table);
        return new Applied(applied, replication.roleTableVersion());
    }

    /** Whether the table was newer and applied, and the version the worker holds now. */
    record Applied(boolean applied, long version) {}
}
