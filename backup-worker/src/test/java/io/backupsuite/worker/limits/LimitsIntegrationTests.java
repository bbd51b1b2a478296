package io.backupsuite.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskResult;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.WorkerIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The limits API over real HTTP, and the disk guard and bandwidth limit acting on real transfers through Kafka. */
class LimitsIntegrationTests extends WorkerIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    MeterRegistry registry;

    @AfterEach
    void defaults() throws Exception {
        put("{\"bandwidthBytesPerSecond\":0,\"perHostConcurrency\":8,\"minFreeSpaceBytes\":0}", basic(OPERATOR, OPERATOR_PASSWORD));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpResponse<String> put(String json, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = request("/api/v1/limits").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String typeSuffix) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"type\":\"urn:backup-suite:problem:" + typeSuffix);
    }

    @Test
    void operatorsAndViewersReadTheLimits() throws Exception {
        var asOperator = send(request("/api/v1/limits").header("Authorization", basic(OPERATOR, OPERATOR_PASSWORD)));
        assertThat(asOperator.statusCode()).isEqualTo(200);
        assertThat(asOperator.body()).contains("\"bandwidthBytesPerSecond\":0", "\"perHostConcurrency\":", "\"freeSpaceBytes\":");
        assertThat(send(request("/api/v1/limits").header("Authorization", basic(VIEWER, VIEWER_PASSWORD))).statusCode()).isEqualTo(200);
    }

    @Test
    void onlyOperatorsChangeThem() throws Exception {
        assertProblem(put("{\"perHostConcurrency\":2}", null), 401, "");
        assertProblem(put("{\"perHostConcurrency\":2}", basic(VIEWER, VIEWER_PASSWORD)), 403, "");
        assertProblem(put("{\"perHostConcurrency\":2}", "Bearer " + UPLOAD_TOKEN), 403, "");
        var ok = put("{\"perHostConcurrency\":2,\"bandwidthBytesPerSecond\":1048576}", basic(OPERATOR, OPERATOR_PASSWORD));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"perHostConcurrency\":2", "\"bandwidthBytesPerSecond\":1048576");
        assertThat(registry.get("backup.worker.limits.bandwidth.rate").gauge().value()).isEqualTo(1_048_576);
    }

    @Test
    void badValuesAreRefusedWithProblemBodies() throws Exception {
        String operator = basic(OPERATOR, OPERATOR_PASSWORD);
        assertProblem(put("{\"bandwidthBytesPerSecond\":1000}", operator), 400, "");
        assertProblem(put("{\"bandwidthBytesPerSecond\":-1}", operator), 400, "");
        assertProblem(put("{\"perHostConcurrency\":0}", operator), 400, "");
        assertProblem(put("{\"perHostConcurrency\":100000}", operator), 400, "");
        assertProblem(put("{\"minFreeSpaceBytes\":-5}", operator), 400, "");
        assertProblem(put("{}", operator), 400, "");
        assertProblem(put("{\"perHostConcurrency\":\"many\"}", operator), 400, "");
        assertProblem(put("{not json", operator), 400, "");
        assertProblem(put("[" + "1,".repeat(600_000) + "1]", operator), 413, "");
        var view = send(request("/api/v1/limits").header("Authorization", operator));
        assertThat(view.body()).contains("\"bandwidthBytesPerSecond\":0"); // nothing applied
    }

    @Test
    void belowTheFreeSpaceThresholdTasksFailRetryablyBeforeAnyByteAndReadinessSaysSo() throws Exception {
        byte[] content = new byte[100_000];
        new Random(11).nextBytes(content);
        String url = SOURCE.serve("disk-guard", content, Behaviour.OK);
        int requestsBefore = SOURCE.requests();
        assertThat(put("{\"minFreeSpaceBytes\":" + (1L << 50) + "}", basic(OPERATOR, OPERATOR_PASSWORD)).statusCode()).isEqualTo(200);

        TaskResult refused = run(task("limits/disk-guard", content, url));
        assertThat(refused.outcome()).isEqualTo(TaskResult.Outcome.FAILED);
        assertThat(refused.errorKind()).isEqualTo("DISK_FULL");
        assertThat(refused.error()).contains("not enough free space");
        assertThat(SOURCE.requests()).isEqualTo(requestsBefore); // refused before connecting
        var readiness = send(request("/actuator/health/readiness"));
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"diskGuard\"", "OUT_OF_SERVICE");

        // the dispatcher retries later; by then space is back
        put("{\"minFreeSpaceBytes\":0}", basic(OPERATOR, OPERATOR_PASSWORD));
        TaskMessage retry = task("limits/disk-guard", content, url);
        assertThat(run(retry).outcome()).isEqualTo(TaskResult.Outcome.SUCCEEDED);
        assertThat(send(request("/actuator/health/readiness")).statusCode()).isEqualTo(200);
    }

    @Test
    void theBandwidthLimitHoldsTransfersBack() throws Exception {
        byte[] content = new byte[1_048_576];
        new Random(12).nextBytes(content);
        String url = SOURCE.serve("bandwidth", content, Behaviour.OK);
        var waits = registry.get("backup.worker.limits.bandwidth.wait").timer();
        double waitedBefore = waits.totalTime(TimeUnit.MILLISECONDS);
        put("{\"bandwidthBytesPerSecond\":262144}", basic(OPERATOR, OPERATOR_PASSWORD));

        assertThat(run(task("limits/bandwidth", content, url)).outcome()).isEqualTo(TaskResult.Outcome.SUCCEEDED);
        // 1 MiB at 256 KiB/s with a burst of one second takes at least 3 s; a lower bound, so a slow machine cannot fail it
        assertThat(waits.totalTime(TimeUnit.MILLISECONDS) - waitedBefore).isGreaterThanOrEqualTo(2_000);
        assertThat(TestSource.sha256(content)).isNotBlank();
    }
}
