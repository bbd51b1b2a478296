package io.backupsuite.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to a console under test, with whatever credentials (or none) a test presents. */
public final class TestApi {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    public TestApi(int port) {
        this.port = port;
    }

    public Response get(String path, @Nullable String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.GET().build());
    }

    public Response post(String path, @Nullable String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Response postJson(String path, @Nullable String authorization, Object body) {
        return post(path, authorization, JSON.writeValueAsString(body));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Status, body and content type of an answer. */
    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** The problem type of an RFC 9457 answer, checking that it is one. */
        public String problemType() {
            if (!contentType.startsWith("application/problem+json")) {
                throw new AssertionError("not a problem body (" + contentType + "): " + body);
            }
            return json().get("type").asString();
        }
    }
}
