package io.backupsuite.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.node.NodeStatusSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Health probes, metrics and the node status the worker reports to the console. */
class WorkerApplicationIntegrationTests extends WorkerIntegrationTest {

    @Autowired
    NodeStatusSource status;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessIncludesTheDataDirectoryAndNeedsNoCredentials() throws Exception {
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        var readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("dataDir");
    }

    @Test
    void exposesWorkerMetricsForPrometheus() throws Exception {
        var metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("backup_worker_in_flight")
                .contains("backup_worker_catalog_entries")
                .contains("backup_worker_store_fsync_seconds");
    }

    @Test
    void reportsItselfAsAWorkerOfItsGroup() {
        var node = status.currentStatus();
        assertThat(node.nodeId()).isEqualTo(NODE_ID);
        assertThat(node.kind()).isEqualTo("worker");
        assertThat(node.group()).isEqualTo("g1");
        assertThat(node.inFlight()).isGreaterThanOrEqualTo(0);
    }
}
