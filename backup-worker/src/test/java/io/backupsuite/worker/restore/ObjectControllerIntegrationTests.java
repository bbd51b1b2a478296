package io.backupsuite.worker.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.TaskMessage;
import io.backupsuite.common.wire.TaskResult.Outcome;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.WorkerIntegrationTest;
import io.backupsuite.worker.store.PackDamage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The restore API over real HTTP, for an object backed up through Kafka. */
class ObjectControllerIntegrationTests extends WorkerIntegrationTest {

    private static final String KEY = "restore/photo 1.jpg";
    private static final byte[] CONTENT = new byte[200_000];

    private final HttpClient http = HttpClient.newHttpClient();

    static {
        new Random(5).nextBytes(CONTENT);
    }

    @BeforeEach
    void backedUp() {
        TaskMessage task = task(KEY, CONTENT, SOURCE.serve("restore", CONTENT, Behaviour.OK));
        assertThat(run(task).outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String key(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void describesABackedUpObject() throws Exception {
        var response = get("/api/v1/objects?key=" + key(KEY), "Authorization", "Bearer " + UPLOAD_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response))
                .contains("\"objectKey\":\"restore/photo 1.jpg\"")
                .contains("\"sha256\":\"" + TestSource.sha256(CONTENT) + "\"")
                .contains("\"size\":200000")
                .contains("\"version\":1")
                .contains("\"replicas\":[\"" + NODE_ID + "\"]")
                .contains("\"storedAt\":");
    }

    @Test
    void returnsTheIdenticalBytesWithTheShaAsETag() throws Exception {
        var response = get("/api/v1/objects/content?key=" + key(KEY), "Authorization", "Bearer " + UPLOAD_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(CONTENT);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + TestSource.sha256(CONTENT) + "\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    }

    @Test
    void answersARangeWith206AndTheSlice() throws Exception {
        var response = get(
                "/api/v1/objects/content?key=" + key(KEY), "Authorization", "Bearer " + UPLOAD_TOKEN, "Range", "bytes=1000-1999");
        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(CONTENT, 1000, 2000));
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/200000");
    }

    @Test
    void answersAMatchingETagWith304() throws Exception {
        var response = get(
                "/api/v1/objects/content?key=" + key(KEY),
                "Authorization", "Bearer " + UPLOAD_TOKEN,
                "If-None-Match", "\"" + TestSource.sha256(CONTENT) + "\"");
        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void operatorsMayReadWithBasicCredentials() throws Exception {
        String basic = Base64.getEncoder().encodeToString((OPERATOR + ":" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(get("/api/v1/objects?key=" + key(KEY), "Authorization", "Basic " + basic).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesCallersWithoutCredentials() throws Exception {
        for (String path : new String[] {"/api/v1/objects?key=" + key(KEY), "/api/v1/objects/content?key=" + key(KEY)}) {
            var response = get(path);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(body(response)).doesNotContain(TestSource.sha256(CONTENT));
        }
        assertThat(get("/api/v1/objects?key=" + key(KEY), "Authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownKeyIs404AndAMissingKeyIs400() throws Exception {
        var unknown = get("/api/v1/objects/content?key=nope", "Authorization", "Bearer " + UPLOAD_TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown)).contains("urn:backup-suite:problem:object-not-found");
        for (String path : new String[] {"/api/v1/objects", "/api/v1/objects?key=", "/api/v1/objects/content?key=%20"}) {
            var missing = get(path, "Authorization", "Bearer " + UPLOAD_TOKEN);
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
    }

    @Test
    void aSmallObjectIsServedFromItsPackWithRangesAndETag() throws Exception {
        byte[] small = new byte[5_000]; // packed, not a file of its own
        new Random(6).nextBytes(small);
        String key = "restore/small note.txt";
        assertThat(run(task(key, small, SOURCE.serve("restore-small", small, Behaviour.OK))).outcome()).isEqualTo(Outcome.SUCCEEDED);
        String path = "/api/v1/objects/content?key=" + key(key);

        var whole = get(path, "Authorization", "Bearer " + UPLOAD_TOKEN);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(small);
        assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + TestSource.sha256(small) + "\"");

        var slice = get(path, "Authorization", "Bearer " + UPLOAD_TOKEN, "Range", "bytes=100-199");
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(small, 100, 200));
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 100-199/5000");

        var unchanged = get(path, "Authorization", "Bearer " + UPLOAD_TOKEN, "If-None-Match", "\"" + TestSource.sha256(small) + "\"");
        assertThat(unchanged.statusCode()).isEqualTo(304);
    }

    @Test
    void aDamagedPackRecordIsAServiceUnavailableProblemNeverWrongBytes() throws Exception {
        byte[] small = new byte[3_000];
        new Random(7).nextBytes(small);
        String key = "restore/damaged.bin";
        assertThat(run(task(key, small, SOURCE.serve("restore-damaged", small, Behaviour.OK))).outcome()).isEqualTo(Outcome.SUCCEEDED);
        PackDamage.flipByteOf(DATA_DIR, small, 1000);

        var response = get("/api/v1/objects/content?key=" + key(key), "Authorization", "Bearer " + UPLOAD_TOKEN);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(body(response)).contains("blob-unreadable").doesNotContain("CRC");
    }
}
