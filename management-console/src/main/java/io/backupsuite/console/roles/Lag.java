package io.backupsuite.console.roles;

import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import java.util.Map;
import java.util.OptionalLong;

/** How far a member's log is behind its group's primary, from their last replication reports. */
public final class Lag {

    private Lag() {}

    public static OptionalLong of(RoleAssignment member, RoleTable table, Map<String, MemberReport> reports) {
        MemberReport own = reports.get(member.nodeId());
        if (own == null) {
            return OptionalLong.empty();
        }
        return table.nodes().stream()
                .filter(r -> r.group().equals(member.group()) && r.role() == GroupRole.PRIMARY)
                .map(r -> reports.get(r.nodeId()))
                .filter(p -> p != null)
                .mapToLong(p -> Math.max(0, p.lastSeq() - own.lastSeq()))
                .findFirst();
    }
}
