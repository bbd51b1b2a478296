package io.backupsuite.console.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.console.roles.MemberReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeViewTests {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:10Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void aFreshNodeShowsWhatItReports() {
        NodeView view = NodeView.of(beat("g1", "PRIMARY", "DOWN", NOW.minusSeconds(2)), null, null, null, NOW, TIMEOUT);

        assertThat(view.health()).isEqualTo("DOWN");
        assertThat(view.role()).isEqualTo("PRIMARY");
        assertThat(view.heartbeatAgeMs()).isEqualTo(2000);
        assertThat(view.lastHeartbeat()).isEqualTo("2025-01-01T00:00:08Z");
    }

    @Test
    void aSilentGroupMemberIsUnreachableAndUnavailable() {
        NodeView view = NodeView.of(beat("g1", "PRIMARY", "UP", NOW.minusSeconds(4)), null, null, null, NOW, TIMEOUT);

        assertThat(view.health()).isEqualTo(NodeView.UNREACHABLE);
        assertThat(view.role()).isEqualTo(NodeView.UNAVAILABLE);
    }

    @Test
    void aSilentDispatcherKeepsItsRoleAndAMissingHealthIsUnknown() {
        assertThat(NodeView.of(beat(null, null, "UP", NOW.minusSeconds(4)), null, null, null, NOW, TIMEOUT).role()).isNull();
        assertThat(NodeView.of(beat(null, null, null, NOW), null, null, null, NOW, TIMEOUT).health()).isEqualTo(NodeView.UNKNOWN);
    }

    @Test
    void theRoleTableDecidesRoleAndEpochAndAFreshReportTheSequenceNumbers() {
        StoredHeartbeat beat = beat("g1", "PRIMARY", "UP", NOW);
        RoleAssignment row = new RoleAssignment("w", "g1", GroupRole.STANDBY, 7, "http://127.0.0.1:1", false);
        MemberReport report = new MemberReport("w", "g1", "STANDBY", 7, 7, 500, 499, false, List.of(), NOW.toEpochMilli());

        NodeView view = NodeView.of(beat, row, report, 3L, NOW, TIMEOUT);

        assertThat(view.role()).isEqualTo("STANDBY");
        assertThat(view.epoch()).isEqualTo(7);
        assertThat(view.reportedRole()).isEqualTo("STANDBY");
        assertThat(view.lastSeq()).isEqualTo(500);
        assertThat(view.commitSeq()).isEqualTo(499);
        assertThat(view.lag()).isEqualTo(3L);
    }

    private static StoredHeartbeat beat(String group, String role, String health, Instant received) {
        String kind = group == null ? "dispatcher" : "worker";
        NodeStatus status = new NodeStatus("n1", kind, group, "http://127.0.0.1:1", role, 1, 5, 4, health, 0, 0);
        return new StoredHeartbeat(status, received.toEpochMilli());
    }
}
