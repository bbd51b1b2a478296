package io.backupsuite.worker.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.worker.WorkerIntegrationTest;
import io.backupsuite.worker.replication.ReplicationControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The console's role-table push reaching the worker's replicated catalog, over real HTTP. */
class RoleControllerIntegrationTests extends WorkerIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    ReplicationControl replication;

    @Test
    void aNewerTableIsAppliedAndTheSameVersionAgainIsNot() throws Exception {
        long version = replication.roleTableVersion() + 1000;
        String table = "{\"version\":" + version + ",\"nodes\":[{\"nodeId\":\"" + NODE_ID + "\",\"group\":\"g1\","
                + "\"role\":\"PRIMARY\",\"epoch\":" + replication.status().epoch() + ",\"address\":\"http://127.0.0.1:" + port + "\"}]}";

        HttpResponse<String> first = push("Bearer " + NODE_TOKEN, table);
        HttpResponse<String> again = push("Bearer " + NODE_TOKEN, table);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"applied\":true").contains("\"version\":" + version);
        assertThat(again.body()).contains("\"applied\":false");
        assertThat(replication.roleTableVersion()).isEqualTo(version);
    }

    @Test
    void onlyNodesMayPushAndOnlyWellFormedTables() throws Exception {
        String table = "{\"version\":1,\"nodes\":[]}";
        assertThat(push(null, table).statusCode()).isEqualTo(401);
        assertThat(push("Bearer forged", table).statusCode()).isEqualTo(401);
        assertThat(push("Bearer " + UPLOAD_TOKEN, table).statusCode()).isEqualTo(403);
        HttpResponse<String> operator = push(basic(OPERATOR, OPERATOR_PASSWORD), table);
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(operator.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        for (String bad : new String[] {"{", "[]", "", "{\"version\":2,\"nodes\":[{\"nodeId\":\"x\"}]}",
            "{\"version\":2,\"nodes\":[{\"nodeId\":\"x\",\"group\":\"g\",\"role\":\"KING\",\"epoch\":1,\"address\":\"http://a\"}]}"}) {
            HttpResponse<String> response = push("Bearer " + NODE_TOKEN, bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).contains("urn:backup-suite:problem:");
        }
    }

    private HttpResponse<String> push(@Nullable String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/v1/roles"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
