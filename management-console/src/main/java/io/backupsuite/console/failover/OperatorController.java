package io.backupsuite.console.failover;

import io.backupsuite.console.roles.Names;
import io.backupsuite.console.roles.RoleException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Operator actions on a storage group: switchover and taking members out of service. Operators only (access rules). */
@RestController
class OperatorController {

    private final Switchover switchover;
    private final Availability availability;

    OperatorController(Switchover switchover, Availability availability) {
        this.switchover = switchover;
        this.availability = availability;
    }

    @PostMapping("/api/v1/groups/{group}/switchover")
    Switchover.Result switchover(
            @PathVariable String group,
            @RequestBody(required = false) @Nullable SwitchoverRequest request,
            HttpServletRequest http) {
        String target = request == null || request.target() == null || request.target().isBlank()
                ? null
                : Names.name("target", request.target());
        return switchover.run(Names.name("group", group), target, Operators.who(http));
    }

    @PostMapping("/api/v1/groups/{group}/members/{nodeId}/availability")
    Marked availability(
            @PathVariable String group,
            @PathVariable String nodeId,
            @RequestBody(required = false) @Nullable AvailabilityRequest request,
            HttpServletRequest http) {
        if (request == null || request.available() == null) {
            throw RoleException.invalid("The body must be {\"available\": true|false}.");
        }
        availability.set(Names.name("group", group), Names.name("nodeId", nodeId), request.available(), Operators.who(http));
        return new Marked(group, nodeId, request.available());
    }

    record SwitchoverRequest(@Nullable String target) {}

    record AvailabilityRequest(@Nullable Boolean available) {}

    record Marked(String group, String nodeId, boolean available) {}
}
