package io.backupsuite.console.roles;

import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.StandbyState;
import java.util.List;

/**
 * A member's last replication report as the console keeps it (flat, so the Lua scripts can read it).
 *
 * @param at when the console received it, by the console's clock
 */
public record MemberReport(
        String nodeId,
        String group,
        String role,
        long epoch,
        long lastEpoch,
        long lastSeq,
        long commitSeq,
        boolean acceptingWrites,
        List<StandbyState> standbys,
        long at) {

    public MemberReport {
        standbys = List.copyOf(standbys);
    }

    static MemberReport of(ReplicationStatus s, long at) {
        return new MemberReport(
                s.nodeId(),
                s.group(),
                s.role().name(),
                s.epoch(),
                s.lastEpoch(),
                s.lastSeq(),
                s.commitSeq(),
                s.acceptingWrites(),
                s.standbys(),
                at);
    }
}
