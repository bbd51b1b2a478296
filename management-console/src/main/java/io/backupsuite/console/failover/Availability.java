package io.backupsuite.console.failover;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.console.ConsoleProperties;
import io.backupsuite.console.audit.AuditLog;
import io.backupsuite.console.roles.RoleBook;
import io.backupsuite.console.roles.RoleException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * An operator takes a member out of service or returns it: the primary is told first (it stops counting the
 * member toward the quorum, or lets it catch up), then the role table shows it everywhere.
 */
@Component
class Availability {

    private final RoleBook book;
    private final PrimaryClient primary;
    private final AuditLog audit;
    private final ConsoleProperties properties;

    Availability(RoleBook book, PrimaryClient primary, AuditLog audit, ConsoleProperties properties) {
        this.book = book;
        this.primary = primary;
        this.audit = audit;
        this.properties = properties;
    }

    void set(String group, String nodeId, boolean available, String who) {
        String action = available ? "mark-available" : "mark-unavailable";
        try {
            RoleTable table = book.table(group);
            RoleAssignment member = table.nodes().stream()
                    .filter(r -> r.nodeId().equals(nodeId))
                    .findFirst()
                    .orElseThrow(() -> RoleException.unknownMember(group, nodeId));
            Optional<RoleAssignment> lead =
                    table.nodes().stream().filter(r -> r.role() == GroupRole.PRIMARY).findFirst();
            if (lead.isPresent() && lead.get().nodeId().equals(member.nodeId()) && !available) {
                throw RoleException.notCandidate(nodeId, "the primary cannot be taken out of service; switch over first");
            }
            if (lead.isPresent()) {
                primary.availability(lead.get().nodeId(), lead.get().address(), nodeId, available,
                        properties.handoverTimeout());
            }
            if (!book.setAvailable(group, nodeId, available, who)) {
                throw RoleException.unknownMember(group, nodeId);
            }
            audit.record(who, action, group + "/" + nodeId, "ok", null);
        } catch (ApiException e) {
            audit.record(who, action, group + "/" + nodeId, "failed: " + e.getMessage(), null);
            throw e;
        }
    }
}
