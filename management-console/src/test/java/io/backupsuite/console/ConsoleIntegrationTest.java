package io.backupsuite.console;

import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.ReplicationStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A whole console on a random port against the real test Redis, emptied before each test. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "backup.console.status-freshness=1s",
            "backup.console.quasi-primary-tolerance=5",
            "backup.console.authorisation-timeout=3s",
            "backup.security.node-token=" + TestCredentials.NODE_TOKEN
        })
public abstract class ConsoleIntegrationTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected StringRedisTemplate redis;

    protected TestApi api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestRedis.register(registry);
        TestCredentials.register(registry);
    }

    @BeforeEach
    void emptyRedis() {
        redis.execute(connection -> {
            connection.serverCommands().flushAll();
            return null;
        }, true);
        api = new TestApi(port);
    }

    protected static ReplicationStatus status(String nodeId, GroupRole role, long epoch, long lastSeq) {
        return new ReplicationStatus(nodeId, "g1", role, epoch, epoch, lastSeq, lastSeq, null, role == GroupRole.PRIMARY,
                List.of());
    }

    /** A member's report (its quasi-primary request) with the node token. */
    protected TestApi.Response report(String address, ReplicationStatus status) {
        return api.postJson("/api/v1/groups/" + status.group() + "/quasi-primary", TestCredentials.bearer(TestCredentials.NODE_TOKEN),
                Map.of("address", address, "status", status));
    }

    protected TestApi.Response failover(String candidate, long observedEpoch) {
        return api.postJson("/api/v1/groups/g1/failover", TestCredentials.bearer(TestCredentials.NODE_TOKEN),
                Map.of("candidate", candidate, "observedEpoch", observedEpoch));
    }

    /** Whether the role table holds this member out of service (an operator's mark, not the primary's). */
    protected boolean heldOut(String nodeId) {
        var nodes = api.get("/api/v1/roles?group=g1", TestCredentials.VIEWER).json().get("nodes");
        for (var n : nodes) {
            if (n.get("nodeId").asString().equals(nodeId)) {
                return n.get("outOfService").asBoolean();
            }
        }
        throw new AssertionError("no row for " + nodeId);
    }

    protected String roleOf(String nodeId) {
        var nodes = api.get("/api/v1/roles?group=g1", TestCredentials.VIEWER).json().get("nodes");
        for (var n : nodes) {
            if (n.get("nodeId").asString().equals(nodeId)) {
                return n.get("role").asString();
            }
        }
        return "(absent)";
    }
}
