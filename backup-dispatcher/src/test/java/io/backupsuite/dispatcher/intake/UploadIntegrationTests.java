package io.backupsuite.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.dispatcher.DispatcherIntegrationTest;
import io.backupsuite.dispatcher.TestHttp.Response;
import io.backupsuite.dispatcher.queue.TaskIds;
import io.backupsuite.dispatcher.queue.TaskStatus;
import io.backupsuite.dispatcher.queue.TaskView;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/uploads} and its batch form over real HTTP, including every bad input of issue 2. */
class UploadIntegrationTests extends DispatcherIntegrationTest {

    static final String SHA = "ab".repeat(32);
    static final String SOURCE = "\"https://files.example.com/objects/1\"";

    static String body(String key, String size, String sha, String sources) {
        return "{\"objectKey\":" + key + ",\"size\":" + size + ",\"sha256\":" + sha + ",\"sources\":" + sources + "}";
    }

    static String valid(String key) {
        return body("\"" + key + "\"", "4", "\"" + SHA + "\"", "[" + SOURCE + "]");
    }

    static String withSource(String key, String url) {
        return body("\"" + key + "\"", "4", "\"" + SHA + "\"", "[\"" + url + "\"]");
    }

    static String unique() {
        return "it/" + UUID.randomUUID();
    }

    @Test
    void acceptsANotificationAndTheSameOneAgainIsTheSameTask() {
        String key = unique();
        Response first = http().post("/api/v1/uploads", UPLOAD_TOKEN, valid(key));
        assertThat(first.status()).isEqualTo(202);
        String taskId = first.json().get("taskId").asString();
        assertThat(taskId).isEqualTo(TaskIds.of(key, SHA));
        assertThat(first.json().get("status").asString()).isEqualTo("PENDING");

        Response again = http().post("/api/v1/uploads", UPLOAD_TOKEN, valid(key).replace(SHA, SHA.toUpperCase()));
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("taskId").asString()).isEqualTo(taskId);

        TaskView task = queue.find(taskId).orElseThrow();
        assertThat(task.objectKey()).isEqualTo(key);
        assertThat(task.sha256()).isEqualTo(SHA);
    }

    @Test
    void acceptsABatchInOneCallAndAnswersInOrder() {
        String a = unique();
        String b = unique();
        String batch = "{\"notifications\":[" + valid(a) + "," + valid(b) + "," + valid(a) + "]}";
        Response response = http().post("/api/v1/uploads/batch", UPLOAD_TOKEN, batch);
        assertThat(response.status()).isEqualTo(202);
        JsonNode results = response.json().get("results");
        assertThat(results.size()).isEqualTo(3);
        assertThat(results.get(0).get("taskId").asString()).isEqualTo(TaskIds.of(a, SHA));
        assertThat(results.get(1).get("taskId").asString()).isEqualTo(TaskIds.of(b, SHA));
        assertThat(results.get(2).get("taskId").asString()).isEqualTo(TaskIds.of(a, SHA));
        assertThat(queue.find(TaskIds.of(b, SHA))).isPresent();
    }

    static Stream<Arguments> badUploads() {
        String k = "\"bad/key\"";
        String s = "\"" + SHA + "\"";
        String src = "[" + SOURCE + "]";
        String seventeen = IntStream.range(0, 17)
                .mapToObj(i -> "\"https://files.example.com/" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                Arguments.of("malformed JSON", "{\"objectKey\": ", "body"),
                Arguments.of("not an object", "[1,2]", "body"),
                Arguments.of("size is a string", body(k, "\"four\"", s, src), "size"),
                Arguments.of("size is fractional", body(k, "1.5", s, src), "size"),
                Arguments.of("objectKey is a number", body("42", "4", s, src), "objectKey"),
                Arguments.of("sources is a string", body(k, "4", s, SOURCE), "sources"),
                Arguments.of("source is a number", body(k, "4", s, "[7]"), "sources[0]"),
                Arguments.of("objectKey missing", "{\"size\":4,\"sha256\":" + s + ",\"sources\":" + src + "}", "objectKey"),
                Arguments.of("size missing", "{\"objectKey\":" + k + ",\"sha256\":" + s + ",\"sources\":" + src + "}", "size"),
                Arguments.of("sha256 missing", "{\"objectKey\":" + k + ",\"size\":4,\"sources\":" + src + "}", "sha256"),
                Arguments.of("sources missing", "{\"objectKey\":" + k + ",\"size\":4,\"sha256\":" + s + "}", "sources"),
                Arguments.of("sha256 too short", body(k, "4", "\"" + SHA.substring(1) + "\"", src), "sha256"),
                Arguments.of("sha256 not hex", body(k, "4", "\"" + "zz".repeat(32) + "\"", src), "sha256"),
                Arguments.of("negative size", body(k, "-1", s, src), "size"),
                Arguments.of("oversized size", body(k, "2000000000000", s, src), "size"),
                Arguments.of("size beyond long", body(k, "99999999999999999999999", s, src), "size"),
                Arguments.of("empty sources", body(k, "4", s, "[]"), "sources"),
                Arguments.of("too many sources", body(k, "4", s, seventeen), "sources"),
                Arguments.of("file URL", withSource("bad/key", "file:///etc/passwd"), "sources[0]"),
                Arguments.of("gopher URL", withSource("bad/key", "gopher://files.example.com/x"), "sources[0]"),
                Arguments.of("ftp URL", withSource("bad/key", "ftp://files.example.com/x"), "sources[0]"),
                Arguments.of("relative URL", withSource("bad/key", "/objects/1"), "sources[0]"),
                Arguments.of("link-local (even listed)", withSource("bad/key", "http://169.254.169.254/latest/meta-data"), "sources[0]"),
                Arguments.of("IPv6 link-local", withSource("bad/key", "http://[fe80::1]/x"), "sources[0]"),
                Arguments.of("metadata host name", withSource("bad/key", "http://metadata.google.internal/x"), "sources[0]"),
                Arguments.of("numeric host", withSource("bad/key", "http://2852039166/x"), "sources[0]"),
                Arguments.of("not allow-listed", withSource("bad/key", "https://evil.example.org/x"), "sources[0]"),
                Arguments.of("suffix is not the domain", withSource("bad/key", "https://cdn.example.net/x"), "sources[0]"),
                Arguments.of("unlisted loopback", withSource("bad/key", "http://localhost:8070/x"), "sources[0]"),
                Arguments.of("user info", withSource("bad/key", "https://user:pw@files.example.com/x"), "sources[0]"),
                Arguments.of("control character in key", body("\"bad\\u0001key\"", "4", s, src), "objectKey"),
                Arguments.of("newline in key", body("\"bad\\nkey\"", "4", s, src), "objectKey"),
                Arguments.of("empty key", body("\"\"", "4", s, src), "objectKey"),
                Arguments.of("key over the limit", body("\"" + "k".repeat(1025) + "\"", "4", s, src), "objectKey"),
                Arguments.of("attributes not an object", valid("bad/key").replace("}", ",\"attributes\":[1]}"), "attributes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUploads")
    void refusesBadInputWithAProblemAndEnqueuesNothing(String name, String body, String field) {
        double before = accepted();
        Response response = http().post("/api/v1/uploads", UPLOAD_TOKEN, body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("type").asString()).startsWith("urn:backup-suite:problem:");
        if (!field.equals("body") || problem.has("errors")) {
            assertThat(problem.get("errors").findValuesAsString("field")).contains(field);
        }
        assertThat(accepted()).isEqualTo(before);
        assertThat(queue.find(TaskIds.of("bad/key", SHA))).isEmpty();
    }

    @Test
    void aBatchWithOneBadItemIsRefusedWhole() {
        String good = unique();
        String batch = "{\"notifications\":[" + valid(good) + "," + withSource(unique(), "file:///x") + "]}";
        double before = accepted();
        Response response = http().post("/api/v1/uploads/batch", UPLOAD_TOKEN, batch);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").findValuesAsString("field")).containsExactly("notifications[1].sources[0]");
        assertThat(queue.find(TaskIds.of(good, SHA))).isEmpty();
        assertThat(accepted()).isEqualTo(before);
    }

    @Test
    void aBatchOverTheLimitOrWithoutTheListIsRefused() {
        String tooMany = IntStream.range(0, 51).mapToObj(i -> valid(unique())).collect(Collectors.joining(",", "{\"notifications\":[", "]}"));
        for (String body : new String[] {tooMany, "{\"notifications\":[]}", "{\"items\":[]}", "[]"}) {
            double before = accepted();
            Response response = http().post("/api/v1/uploads/batch", UPLOAD_TOKEN, body);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(accepted()).isEqualTo(before);
        }
    }

    @Test
    void aBodyOverTheLimitGets413WhetherDeclaredOrChunked() throws Exception {
        String key = unique();
        String big = valid(key).replace("}", ",\"attributes\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}");
        double before = accepted();
        Response declared = http().post("/api/v1/uploads", UPLOAD_TOKEN, big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).startsWith("application/problem+json");

        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/uploads"))
                .header("Authorization", "Bearer " + UPLOAD_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(accepted()).isEqualTo(before);
        assertThat(queue.find(TaskIds.of(key, SHA))).isEmpty();
    }

    @Test
    void withoutAValidTokenNothingIsAccepted() {
        String key = unique();
        double before = accepted();
        for (String token : new String[] {null, "wrong-token", ""}) {
            Response response = http().post("/api/v1/uploads", token, valid(key));
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        Response viewer = http().post("/api/v1/uploads", VIEWER_TOKEN, valid(key));
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.contentType()).startsWith("application/problem+json");
        assertThat(accepted()).isEqualTo(before);
        assertThat(queue.find(TaskIds.of(key, SHA))).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        Response response = http().post("/api/v1/uploads", UPLOAD_TOKEN, valid(unique()), "text/plain");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void listedLoopbackAndSuffixHostsAreAccepted() {
        for (String url : new String[] {"http://127.0.0.1:8070/x", "https://eu.cdn.example.net/x"}) {
            Response response = http().post("/api/v1/uploads", UPLOAD_TOKEN, withSource(unique(), url));
            assertThat(response.status()).as(url + ": " + response.body()).isEqualTo(202);
            assertThat(queue.find(response.json().get("taskId").asString()).map(TaskView::status))
                    .isPresent()
                    .get()
                    .isIn(TaskStatus.PENDING, TaskStatus.WORKING);
        }
    }
}
