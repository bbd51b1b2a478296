package io.backupsuite.worker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.WorkerIntegrationTest;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.catalog.CatalogWrite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The node-to-node endpoints of the replicated catalog on a group of one: every call needs the node
 * token, and malformed, out-of-order or hostile input is a 4xx problem that leaves the log untouched.
 */
class ReplicationEndpointsIntegrationTests extends WorkerIntegrationTest {

    private static final String SHA = "cd".repeat(32);

    @Autowired
    ReplicationControl control;

    @Autowired
    Catalog catalog;

    @Autowired
    io.backupsuite.worker.store.BlobStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String auth, String contentType, byte[] body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            builder.header("Authorization", auth);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> asNode(String method, String path, String contentType, byte[] body) throws Exception {
        return call(method, path, "Bearer " + NODE_TOKEN, contentType, body);
    }

    private static byte[] json(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aGroupOfOneIsItsOwnPrimaryAndCommitsWrites() throws Exception {
        var entry = catalog.put(new CatalogWrite("repl/one", SHA, 3, NODE_ID));
        assertThat(entry.version()).isEqualTo(1);
        var status = control.status();
        assertThat(status.role().name()).isEqualTo("PRIMARY");
        assertThat(status.acceptingWrites()).isTrue();
        assertThat(status.commitSeq()).isGreaterThanOrEqualTo(2);
        var response = asNode("GET", "/internal/v1/replication/status", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"role\":\"PRIMARY\"").contains("\"nodeId\":\"" + NODE_ID + "\"");
        assertThat(control.millisSincePrimaryContact()).isZero();
    }

    @Test
    void everyReplicationEndpointNeedsTheNodeToken() throws Exception {
        for (String path : List.of("/internal/v1/replication/status", "/internal/v1/blobs/" + SHA)) {
            assertThat(call("GET", path, null, null, null).statusCode()).isEqualTo(401);
            var forbidden = call("GET", path, "Bearer " + UPLOAD_TOKEN, null, null);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.body()).contains("urn:backup-suite:problem:forbidden");
        }
        var forwarded = call("POST", "/internal/v1/replication/submit", basic(OPERATOR, OPERATOR_PASSWORD), NodeHttp.BINARY, new byte[] {1});
        assertThat(forwarded.statusCode()).isEqualTo(403);
        var promote = call("POST", "/internal/v1/replication/promote", null, "application/json", json("{\"epoch\":99}"));
        assertThat(promote.statusCode()).isEqualTo(401);
        assertThat(promote.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    }

    @Test
    void malformedForwardedWritesAreRejectedWithoutTouchingTheLog() throws Exception {
        catalog.put(new CatalogWrite("repl/before", SHA, 3, NODE_ID));
        long lastSeq = control.status().lastSeq();
        var garbage = asNode("POST", "/internal/v1/replication/submit", NodeHttp.BINARY, new byte[] {7, 7});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("urn:backup-suite:problem:malformed-replication-message");
        byte[] truncated = java.util.Arrays.copyOf(CatalogOp.put("repl/hostile", SHA, 3, NODE_ID, 1).encode(), 12);
        assertThat(asNode("POST", "/internal/v1/replication/submit", NodeHttp.BINARY, truncated).statusCode()).isEqualTo(400);
        var wrongType = asNode("POST", "/internal/v1/replication/submit", "text/plain", json("hello"));
        assertThat(wrongType.statusCode()).isEqualTo(415);

        assertThat(control.status().lastSeq()).isEqualTo(lastSeq);
        assertThat(control.status().role().name()).isEqualTo("PRIMARY");
        assertThat(catalog.get("repl/hostile")).isEmpty();
        assertThat(catalog.put(new CatalogWrite("repl/after", SHA, 3, NODE_ID)).version()).isEqualTo(1);
    }

    @Test
    void roleOperationsValidateTheirInput() throws Exception {
        var stale = asNode("POST", "/internal/v1/replication/promote", "application/json", json("{\"epoch\":1}"));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("urn:backup-suite:problem:stale-epoch");
        assertThat(asNode("POST", "/internal/v1/replication/promote", "application/json", json("{\"epoch\":-4}")).statusCode()).isEqualTo(400);
        assertThat(asNode("POST", "/internal/v1/replication/promote", "application/json", json("{nope")).statusCode()).isEqualTo(400);
        var unknown = asNode("POST", "/internal/v1/replication/handover", "application/json", json("{\"target\":\"nobody\",\"epoch\":50}"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        var availability = asNode("POST", "/internal/v1/replication/availability", "application/json",
                json("{\"nodeId\":\"ghost\",\"available\":false}"));
        assertThat(availability.statusCode()).isEqualTo(400);
        assertThat(asNode("POST", "/internal/v1/replication/availability", "application/json", json("{\"nodeId\":\"x\"}")).statusCode())
                .isEqualTo(400);
    }

    @Test
    void blobsAreServedToNodesByTheirHash() throws Exception {
        assertThat(asNode("GET", "/internal/v1/blobs/not-a-hash", null, null).statusCode()).isEqualTo(400);
        assertThat(asNode("GET", "/internal/v1/blobs/..%2F..%2Fetc%2Fpasswd", null, null).statusCode()).isBetween(400, 404);
        var missing = asNode("GET", "/internal/v1/blobs/" + "0".repeat(64), null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("urn:backup-suite:problem:blob-not-held");

        byte[] content = new byte[3 << 20];
        new java.util.Random(3).nextBytes(content);
        try (var staged = store.stage()) {
            staged.write(content, 0, content.length);
            staged.commit();
        }
        String sha = io.backupsuite.worker.TestSource.sha256(content);
        var blob = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/v1/blobs/" + sha))
                .header("Authorization", "Bearer " + NODE_TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(blob.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
        assertThat(blob.body()).isEqualTo(content);
    }
}
