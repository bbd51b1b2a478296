package io.backupsuite.console.roles;

import static io.backupsuite.console.TestCredentials.NODE_TOKEN;
import static io.backupsuite.console.TestCredentials.VIEWER;
import static io.backupsuite.console.TestCredentials.bearer;
import static io.backupsuite.common.wire.GroupRole.PRIMARY;
import static io.backupsuite.common.wire.GroupRole.STANDBY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.console.ConsoleIntegrationTest;
import io.backupsuite.console.TestApi.Response;
import io.backupsuite.console.TestMember;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Role table, quasi-primary grants, failover authorisation and broadcast, over real HTTP and Redis. */
class RoleApiIntegrationTests extends ConsoleIntegrationTest {

    private static final String A = "http://127.0.0.1:9001";
    private static final String B = "http://127.0.0.1:9002";
    private static final String P = "http://127.0.0.1:9000";

    @Test
    void theFirstPrimaryIsAdoptedAndTheMostUpToDateStandbyIsQuasiPrimary() {
        assertThat(report(P, status("p", PRIMARY, 1, 40)).status()).isEqualTo(200);
        Response a = report(A, status("a", STANDBY, 1, 10));
        Response b = report(B, status("b", STANDBY, 1, 30)); // beyond the tolerance of five: the role moves
        Response aAgain = report(A, status("a", STANDBY, 1, 10));

        assertThat(a.json().get("granted").asBoolean()).isTrue(); // the only standby so far
        assertThat(b.json().get("granted").asBoolean()).isTrue();
        assertThat(aAgain.json().get("granted").asBoolean()).isFalse();
        assertThat(aAgain.json().get("quasiPrimary").asString()).isEqualTo("b");
        assertThat(roleOf("p")).isEqualTo("PRIMARY");
        assertThat(roleOf("b")).isEqualTo("QUASI_PRIMARY");
        assertThat(roleOf("a")).isEqualTo("STANDBY");
        assertThat(api.get("/api/v1/roles", bearer(NODE_TOKEN)).json().get("nodes").get(0).get("epoch").asLong())
                .isEqualTo(1);
    }

    @Test
    void theQuasiPrimaryMovesWhenItFallsBehindButNotForSmallDifferences() {
        report(P, status("p", PRIMARY, 1, 100));
        report(B, status("b", STANDBY, 1, 50));
        assertThat(report(A, status("a", STANDBY, 1, 55)).json().get("quasiPrimary").asString()).isEqualTo("b");

        Response ahead = report(A, status("a", STANDBY, 1, 56)); // six ahead: beyond the tolerance of five

        assertThat(ahead.json().get("granted").asBoolean()).isTrue();
        assertThat(roleOf("b")).isEqualTo("STANDBY");
    }

    @Test
    void theQuasiPrimaryMovesWhenItGoesAway() {
        report(P, status("p", PRIMARY, 1, 100));
        report(B, status("b", STANDBY, 1, 100));
        assertThat(report(A, status("a", STANDBY, 1, 90)).json().get("quasiPrimary").asString()).isEqualTo("b");

        // b stops reporting; once its last report is older than the freshness window, a gets the role
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(
                () -> report(A, status("a", STANDBY, 1, 90)).json().get("granted").asBoolean());
        assertThat(roleOf("a")).isEqualTo("QUASI_PRIMARY");
    }

    @Test
    void exactlyOneCandidateIsAuthorisedPerEpochThenBroadcastAfterItReportsPrimary() throws Exception {
        try (TestMember pm = new TestMember(); TestMember am = new TestMember(); TestMember bm = new TestMember()) {
            report(pm.address(), status("p", PRIMARY, 1, 100));
            report(bm.address(), status("b", STANDBY, 1, 100));
            report(am.address(), status("a", STANDBY, 1, 90));

            Map<Integer, Long> epochs = new ConcurrentHashMap<>();
            IntStream.range(0, 16).parallel().forEach(i -> {
                Response r = failover("b", 1);
                assertThat(r.status()).isEqualTo(200);
                epochs.put(i, r.json().get("epoch").asLong());
            });
            Response other = failover("a", 1);

            assertThat(epochs.values()).containsOnly(2L);
            assertThat(other.status()).isEqualTo(409);
            assertThat(other.problemType()).isEqualTo("urn:backup-suite:problem:not-candidate");
            assertThat(roleOf("p")).isEqualTo("PRIMARY"); // nothing changes until b leads

            Response promoted = report(bm.address(), status("b", PRIMARY, 2, 100));

            assertThat(promoted.json().get("epoch").asLong()).isEqualTo(2);
            assertThat(roleOf("b")).isEqualTo("PRIMARY");
            assertThat(roleOf("p")).isEqualTo("STANDBY");
            long version = api.get("/api/v1/roles", VIEWER).json().get("version").asLong();
            for (TestMember member : List.of(pm, am, bm)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(member.calls("/internal/v1/roles"))
                        .anySatisfy(call -> {
                            assertThat(call.authorization()).isEqualTo(bearer(NODE_TOKEN));
                            assertThat(call.body().get("version").asLong()).isEqualTo(version);
                            assertThat(call.body().get("nodes").findValuesAsString("role")).contains("PRIMARY");
                        }));
            }
            assertThat(api.get("/actuator/prometheus", null).body())
                    .contains("backup_console_failover_duration_seconds_bucket")
                    .containsPattern("backup_console_failovers_total\\{[^}]*step=\"completed\"[^}]*} 1\\.0");
            assertThat(api.get("/api/v1/roles/history", VIEWER).json().findValuesAsString("event"))
                    .contains("primary", "failover-authorised", "quasi-primary");
        }
    }

    @Test
    void aMemberThatWonAnEpochAuthorisedToAnotherIsStillAdopted() {
        // no primary yet: the quasi-primary b is authorised for epoch 1, but the configured initial primary p
        // collected the promises of epoch 1 first; p leads the group, so the table must say so
        report(B, status("b", STANDBY, 0, 0));
        assertThat(failover("b", 0).json().get("epoch").asLong()).isEqualTo(1);

        Response won = report(P, status("p", PRIMARY, 1, 1));
        Response lost = report(B, status("b", STANDBY, 1, 1));

        assertThat(won.json().get("stale").asBoolean()).isFalse();
        assertThat(won.json().get("epoch").asLong()).isEqualTo(1);
        assertThat(roleOf("p")).isEqualTo("PRIMARY");
        assertThat(lost.json().get("quasiPrimary").asString()).isEqualTo("b");
        assertThat(roleOf("b")).isEqualTo("QUASI_PRIMARY");
        // a second claim to the same epoch cannot be true (one member collects its promises): refused
        assertThat(report(A, status("a", PRIMARY, 1, 1)).json().get("stale").asBoolean()).isTrue();
        assertThat(roleOf("p")).isEqualTo("PRIMARY");
    }

    @Test
    void aMemberWithAStaleEpochIsToldTheCurrentTableAndNotObeyed() {
        report(P, status("p", PRIMARY, 1, 100));
        report(B, status("b", STANDBY, 1, 100));
        failover("b", 1);
        report(B, status("b", PRIMARY, 2, 100));

        Response oldPrimary = report(P, status("p", PRIMARY, 1, 101));
        Response beat = api.postJson("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN),
                new NodeStatus("p", "worker", "g1", P, "PRIMARY", 1, 101, 101, "UP", 0, 0));
        Response staleFailover = failover("b", 1);

        assertThat(oldPrimary.json().get("stale").asBoolean()).isTrue();
        assertThat(oldPrimary.json().get("table").get("nodes").findValuesAsString("nodeId")).contains("b", "p");
        assertThat(oldPrimary.json().get("epoch").asLong()).isEqualTo(2);
        assertThat(beat.json().get("table").get("nodes").get(0).get("epoch").asLong()).isEqualTo(2);
        assertThat(staleFailover.status()).isEqualTo(409);
        assertThat(staleFailover.problemType()).isEqualTo("urn:backup-suite:problem:stale-epoch");
        assertThat(staleFailover.json().get("table").get("version").asLong()).isPositive();
        assertThat(roleOf("b")).isEqualTo("PRIMARY");
        assertThat(roleOf("p")).isEqualTo("STANDBY");
    }

    @Test
    void membersAreRejectedWithoutTheNodeToken() {
        var body = Map.of("address", A, "status", status("a", PRIMARY, 9, 1));
        assertThat(api.postJson("/api/v1/groups/g1/quasi-primary", null, body).status()).isEqualTo(401);
        assertThat(api.postJson("/api/v1/groups/g1/quasi-primary", "Bearer forged", body).status()).isEqualTo(401);
        assertThat(api.postJson("/api/v1/groups/g1/quasi-primary", VIEWER, body).problemType())
                .isEqualTo("urn:backup-suite:problem:forbidden");
        assertThat(api.postJson("/api/v1/groups/g1/failover", null, Map.of("candidate", "a", "observedEpoch", 0)).status())
                .isEqualTo(401);
        assertThat(api.postJson("/api/v1/nodes/heartbeat", "Bearer forged",
                new NodeStatus("a", "worker", "g1", A, "PRIMARY", 9, 1, 1, "UP", 0, 0)).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/roles", null).status()).isEqualTo(401);
        assertThat(roleOf("a")).isEqualTo("(absent)");
    }

    @Test
    void malformedAndInvalidBodiesAre400Problems() {
        String token = bearer(NODE_TOKEN);
        for (String path : List.of("/api/v1/groups/g1/quasi-primary", "/api/v1/groups/g1/failover")) {
            for (String body : List.of("{\"status\": ", "[1]", "", "{}", "{\"candidate\":\"a\",\"observedEpoch\":-1}")) {
                Response r = api.post(path, token, body);
                assertThat(r.status()).as(path + " " + body).isEqualTo(400);
                assertThat(r.problemType()).startsWith("urn:backup-suite:problem:");
            }
        }
        var otherGroup = new ReplicationStatus("a", "g2", STANDBY, 1, 1, 1, 1, null, false, List.of());
        assertThat(api.postJson("/api/v1/groups/g1/quasi-primary", token, Map.of("address", A, "status", otherGroup))
                .problemType()).isEqualTo("urn:backup-suite:problem:mismatch");
        assertThat(api.postJson("/api/v1/groups/g1/quasi-primary", token,
                Map.of("address", "file:///etc/passwd", "status", status("a", STANDBY, 1, 1))).problemType())
                .isEqualTo("urn:backup-suite:problem:validation");
        assertThat(api.get("/api/v1/roles?group=%0A", VIEWER).status()).isEqualTo(400);
    }
}
