package io.backupsuite.console.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeViewTests {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:10Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void aFreshNodeShowsWhatItReports() {
        NodeView view = NodeView.of(beat("g1", "PRIMARY", "DOWN", NOW.minusSeconds(2)), NOW, TIMEOUT);

        assertThat(view.health()).isEqualTo("DOWN");
        assertThat(view.role()).isEqualTo("PRIMARY");
        assertThat(view.heartbeatAgeMs()).isEqualTo(2000);
        assertThat(view.lastHeartbeat()).isEqualTo("2025-01-01T00:00:08Z");
    }

    @Test
    void aSilentGroupMemberIsUnreachableAndUnavailable() {
        NodeView view = NodeView.of(beat("g1", "PRIMARY", "UP", NOW.minusSeconds(4)), NOW, TIMEOUT);

        assertThat(view.health()).isEqualTo(NodeView.UNREACHABLE);
        assertThat(view.role()).isEqualTo(NodeView.UNAVAILABLE);
    }

    @Test
    void aSilentDispatcherKeepsItsRoleAndAMissingHealthIsUnknown() {
        assertThat(NodeView.of(beat(null, null, "UP", NOW.minusSeconds(4)), NOW, TIMEOUT).role()).isNull();
        assertThat(NodeView.of(beat(null, null, null, NOW), NOW, TIMEOUT).health()).isEqualTo(NodeView.UNKNOWN);
    }

    @Test
    void identityIgnoresProgressButNotRoleOrEpoch() {
        StoredHeartbeat a = beat("g1", "PRIMARY", "UP", NOW);
        NodeStatus s = a.status();
        NodeStatus progressed = new NodeStatus(s.nodeId(), s.kind(), s.group(), s.address(), s.role(), s.epoch(), 99, 98, "DOWN", 7, 1);
        NodeStatus newEpoch = new NodeStatus(s.nodeId(), s.kind(), s.group(), s.address(), s.role(), 2, 0, 0, "UP", 0, 0);

        assertThat(new StoredHeartbeat(progressed, 5).identity()).isEqualTo(a.identity());
        assertThat(new StoredHeartbeat(newEpoch, 5).identity()).isNotEqualTo(a.identity());
    }

    private static StoredHeartbeat beat(String group, String role, String health, Instant received) {
        String kind = group == null ? "dispatcher" : "worker";
        NodeStatus status = new NodeStatus("n1", kind, group, "http://127.0.0.1:1", role, 1, 5, 4, health, 0, 0);
        return new StoredHeartbeat(status, received.toEpochMilli());
    }
}
