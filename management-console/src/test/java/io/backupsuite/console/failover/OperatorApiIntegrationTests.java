package io.backupsuite.console.failover;

import static io.backupsuite.common.wire.GroupRole.PRIMARY;
import static io.backupsuite.common.wire.GroupRole.STANDBY;
import static io.backupsuite.console.TestCredentials.NODE_TOKEN;
import static io.backupsuite.console.TestCredentials.OPERATOR;
import static io.backupsuite.console.TestCredentials.VIEWER;
import static io.backupsuite.console.TestCredentials.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.StandbyState;
import io.backupsuite.console.ConsoleIntegrationTest;
import io.backupsuite.console.TestApi.Response;
import io.backupsuite.console.TestMember;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Switchover and availability as an operator asks for them, and what viewers and strangers get. */
class OperatorApiIntegrationTests extends ConsoleIntegrationTest {

    @Test
    void aSwitchoverHandsOverToTheQuasiPrimaryAndIsAudited() {
        try (TestMember p = new TestMember(); TestMember a = new TestMember()) {
            report(p.address(), status("p", PRIMARY, 3, 100));
            report(a.address(), status("a", STANDBY, 3, 100));

            Response done = api.post("/api/v1/groups/g1/switchover", OPERATOR, "{}");

            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().get("from").asString()).isEqualTo("p");
            assertThat(done.json().get("to").asString()).isEqualTo("a");
            assertThat(done.json().get("epoch").asLong()).isEqualTo(4);
            assertThat(done.json().get("pauseMs").asLong()).isEqualTo(37); // what the primary measured
            assertThat(done.json().get("callMs").asLong()).isGreaterThanOrEqualTo(0);
            var handover = p.calls("/internal/v1/replication/handover");
            assertThat(handover).hasSize(1);
            assertThat(handover.get(0).authorization()).isEqualTo(bearer(NODE_TOKEN));
            assertThat(handover.get(0).body().get("target").asString()).isEqualTo("a");
            assertThat(handover.get(0).body().get("epoch").asLong()).isEqualTo(4);
            assertThat(roleOf("a")).isEqualTo("PRIMARY");
            assertThat(roleOf("p")).isEqualTo("STANDBY");
            var audit = api.get("/api/v1/audit", VIEWER).json().get(0);
            assertThat(audit.get("who").asString()).isEqualTo("operator");
            assertThat(audit.get("action").asString()).isEqualTo("switchover");
            assertThat(audit.get("outcome").asString()).isEqualTo("ok");
            assertThat(api.get("/actuator/prometheus", null).body()).contains("backup_console_switchover_pause_seconds_bucket");
        }
    }

    @Test
    void aSecondSwitchoverWhileOneRunsIsA409() throws Exception {
        try (TestMember p = new TestMember(); TestMember a = new TestMember()) {
            report(p.address(), status("p", PRIMARY, 1, 10));
            report(a.address(), status("a", STANDBY, 1, 10));
            p.holdHandovers();
            p.answerHandoversWith("{}"); // a primary that does not report its write pause
            var first = CompletableFuture.supplyAsync(() -> api.post("/api/v1/groups/g1/switchover", OPERATOR, "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !p.calls("/internal/v1/replication/handover").isEmpty());

            Response second = api.post("/api/v1/groups/g1/switchover", OPERATOR, "{\"target\":\"a\"}");

            assertThat(second.status()).isEqualTo(409);
            assertThat(second.problemType()).isEqualTo("urn:backup-suite:problem:switchover-running");
            p.releaseHandovers();
            assertThat(first.get().status()).isEqualTo(200);
            // without the primary's figure the whole call counts as the pause
            assertThat(first.get().json().get("pauseMs").asLong()).isEqualTo(first.get().json().get("callMs").asLong());
            assertThat(api.get("/api/v1/audit", VIEWER).json().findValuesAsString("outcome"))
                    .contains("ok", "refused: another switchover is running");
        }
    }

    @Test
    void aPrimaryThatRefusesTheHandoverLeavesTheTableAsItWas() {
        try (TestMember p = new TestMember(); TestMember a = new TestMember()) {
            report(p.address(), status("p", PRIMARY, 1, 10));
            report(a.address(), status("a", STANDBY, 1, 10));
            p.failHandovers(409);

            Response failed = api.post("/api/v1/groups/g1/switchover", OPERATOR, "{\"target\":\"a\"}");

            assertThat(failed.status()).isEqualTo(502);
            assertThat(failed.problemType()).isEqualTo("urn:backup-suite:problem:primary-failed");
            assertThat(roleOf("p")).isEqualTo("PRIMARY");
        }
    }

    @Test
    void anOperatorTakesAMemberOutOfServiceAndBack() {
        try (TestMember p = new TestMember(); TestMember a = new TestMember()) {
            report(p.address(), status("p", PRIMARY, 1, 10));
            report(a.address(), status("a", STANDBY, 1, 10));

            Response out = api.post("/api/v1/groups/g1/members/a/availability", OPERATOR, "{\"available\":false}");
            String whileOut = roleOf("a");
            boolean heldWhileOut = heldOut("a");
            Response back = api.post("/api/v1/groups/g1/members/a/availability", OPERATOR, "{\"available\":true}");

            assertThat(out.status()).isEqualTo(200);
            assertThat(whileOut).isEqualTo("UNAVAILABLE");
            assertThat(heldWhileOut).isTrue();
            assertThat(back.status()).isEqualTo(200);
            assertThat(roleOf("a")).isIn("STANDBY", "QUASI_PRIMARY");
            assertThat(heldOut("a")).isFalse();
            var calls = p.calls("/internal/v1/replication/availability");
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).body().get("nodeId").asString()).isEqualTo("a");
            assertThat(calls.get(0).body().get("available").asBoolean()).isFalse();
            assertThat(api.post("/api/v1/groups/g1/members/p/availability", OPERATOR, "{\"available\":false}").status())
                    .isEqualTo(409);
            assertThat(api.post("/api/v1/groups/g1/members/zz/availability", OPERATOR, "{\"available\":false}").status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aMemberThePrimaryMarkedUnavailableIsShownSoButNotHeldOutAndReturnsWhenThePrimaryTakesItBack() {
        report("http://127.0.0.1:9000", status("p", PRIMARY, 1, 10));
        report("http://127.0.0.1:9001", status("a", STANDBY, 1, 10));

        report("http://127.0.0.1:9000", withStandby(status("p", PRIMARY, 1, 11), "a", "UNAVAILABLE"));
        String whileMarked = roleOf("a");
        boolean heldWhileMarked = heldOut("a");
        report("http://127.0.0.1:9000", withStandby(status("p", PRIMARY, 1, 12), "a", "READY"));

        assertThat(whileMarked).isEqualTo("UNAVAILABLE");
        // members apply only the operator's mark: the primary keeps probing a member it marked and takes it back
        assertThat(heldWhileMarked).isFalse();
        assertThat(roleOf("a")).isIn("STANDBY", "QUASI_PRIMARY");
    }

    private static ReplicationStatus withStandby(ReplicationStatus s, String standby, String state) {
        return new ReplicationStatus(s.nodeId(), s.group(), s.role(), s.epoch(), s.lastEpoch(), s.lastSeq(), s.commitSeq(),
                s.primaryId(), s.acceptingWrites(), List.of(new StandbyState(standby, state, 0, s.lastSeq())));
    }

    @Test
    void viewersAndStrangersCannotAct() {
        report("http://127.0.0.1:9000", status("p", PRIMARY, 1, 10));
        for (String path : new String[] {"/api/v1/groups/g1/switchover", "/api/v1/groups/g1/members/p/availability",
            "/api/v1/dashboard/tasks/" + "0".repeat(32) + "/retry"}) {
            Response viewer = api.post(path, VIEWER, "{\"available\":false}");
            assertThat(viewer.status()).as(path).isEqualTo(403);
            assertThat(viewer.problemType()).isEqualTo("urn:backup-suite:problem:forbidden");
            assertThat(api.post(path, null, "{}").status()).as(path).isEqualTo(401);
            assertThat(api.post(path, bearer(NODE_TOKEN), "{}").status()).as(path).isEqualTo(403);
        }
        assertThat(roleOf("p")).isEqualTo("PRIMARY");
    }

    @Test
    void badOperatorRequestsAre4xxProblems() {
        report("http://127.0.0.1:9000", status("p", PRIMARY, 1, 10));
        Map<String, Integer> cases = Map.of(
                "/api/v1/groups/g1/members/p/availability|{", 400,
                "/api/v1/groups/g1/members/p/availability|{}", 400,
                "/api/v1/groups/g1/members/p/availability|{\"available\":\"maybe\"}", 400,
                "/api/v1/groups/g1/switchover|{\"target\":", 400,
                "/api/v1/groups/g1/switchover|{}", 409,
                "/api/v1/groups/g2/switchover|{}", 409,
                "/api/v1/groups/g1/switchover|{\"target\":\"nobody\"}", 404,
                "/api/v1/dashboard/tasks/not-a-task-id/retry|", 400);
        cases.forEach((call, status) -> {
            String[] parts = call.split("\\|", 2);
            Response r = api.post(parts[0], OPERATOR, parts[1]);
            assertThat(r.status()).as(call).isEqualTo(status);
            assertThat(r.problemType()).as(call).startsWith("urn:backup-suite:problem:");
        });
    }
}
