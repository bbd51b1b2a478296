package io.backupsuite.localstack;

import io.backupsuite.catalog.state.CatalogOp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to the workers of a storage group as a node (node token) and as an upload service (reads). */
final class GroupClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunningStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    GroupClient(RunningStack stack) {
        this.stack = stack;
    }

    /** The replication status of a worker, empty when it does not answer. */
    Optional<JsonNode> status(Part worker) {
        try {
            HttpResponse<String> r = http.send(node(worker.url() + "/internal/v1/replication/status").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    Optional<Part> primary() {
        return stack.workers().stream()
                .filter(w -> w.isAlive() && status(w).map(s -> "PRIMARY".equals(s.get("role").asString()) && s.get("acceptingWrites").asBoolean()).orElse(false))
                .findFirst();
    }

    long epoch(Part worker) {
        return status(worker).orElseThrow().get("epoch").asLong();
    }

    /** Submits a catalog write as a node would; returns the HTTP status (200 = committed). */
    int submit(Part to, String key, String sha256, String holder) {
        byte[] op = CatalogOp.put(key, sha256, 5, holder, 0).encode();
        try {
            HttpRequest request = node(to.url() + "/internal/v1/replication/submit")
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(op))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Explicit promotion; returns the HTTP status and body. */
    HttpResponse<String> promote(Part worker, long epoch) throws Exception {
        HttpRequest request = node(worker.url() + "/internal/v1/replication/promote")
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"epoch\":" + epoch + "}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a worker's catalog has the key (read as the upload service would). */
    boolean has(Part worker, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/objects?key=" + key))
                .header("Authorization", "Bearer " + stack.uploadToken())
                .GET()
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        if (status != 200 && status != 404) {
            throw new AssertionError(worker.name() + " answered " + status + " for " + key);
        }
        return status == 200;
    }

    /** Puts a blob straight into every worker's store, so catalog writes can name it without a download. */
    static String placeBlob(Path dataDir, int workers, byte[] content) throws Exception {
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        for (int n = 1; n <= workers; n++) {
            Path dir = dataDir.resolve("worker-" + n).resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4));
            Files.createDirectories(dir);
            Files.write(dir.resolve(sha), content);
        }
        return sha;
    }

    private HttpRequest.Builder node(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + stack.nodeToken());
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
