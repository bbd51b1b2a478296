package io.backupsuite.worker.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.backupsuite.common.wire.TaskResult.Outcome;
import io.backupsuite.worker.TestSource;
import io.backupsuite.worker.TestSource.Behaviour;
import io.backupsuite.worker.WorkerIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Restores to files and HTTP targets over real HTTP, verified on the way out, and every refusal as a problem body. */
class RestoreIntegrationTests extends WorkerIntegrationTest {

    private static final Pattern ID = Pattern.compile("\"restoreId\":\"([0-9a-f-]{36})\"");
    private static final AtomicInteger KEYS = new AtomicInteger();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, byte[]> received = new ConcurrentHashMap<>();
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private final AtomicInteger targetStatus = new AtomicInteger(201);
    private HttpServer target;
    private String key;
    private byte[] content;

    @BeforeEach
    void backedUpAndATarget() throws IOException {
        key = "restore/object-" + KEYS.incrementAndGet();
        content = new byte[300_000 + KEYS.get()];
        new Random(KEYS.get()).nextBytes(content);
        assertThat(run(task(key, content, SOURCE.serve(key.replace('/', '-'), content, Behaviour.OK))).outcome())
                .isEqualTo(Outcome.SUCCEEDED);
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                in.transferTo(body);
                received.put(exchange.getRequestURI().getPath(), body.toByteArray());
                digests.put(exchange.getRequestURI().getPath(), String.valueOf(exchange.getRequestHeaders().getFirst("Repr-Digest")));
            } catch (IOException e) {
                received.put(exchange.getRequestURI().getPath() + "#broken", new byte[0]);
            }
            exchange.sendResponseHeaders(targetStatus.get(), -1);
            exchange.close();
        });
        target.start();
    }

    @AfterEach
    void stopTarget() {
        target.stop(0);
    }

    private HttpResponse<String> post(String json, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/restores"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String json) throws IOException, InterruptedException {
        return post(json, basic(OPERATOR, OPERATOR_PASSWORD));
    }

    private HttpResponse<String> status(String id, String authorization) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/restores/" + id))
                .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts a restore and waits until it has finished; returns its last status body. */
    private String restore(String json) throws Exception {
        HttpResponse<String> accepted = post(json);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Matcher id = ID.matcher(accepted.body());
        assertThat(id.find()).isTrue();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/restores/" + id.group(1));
        return await().until(() -> status(id.group(1), basic(OPERATOR, OPERATOR_PASSWORD)).body(),
                body -> body.contains("\"status\":\"SUCCEEDED\"") || body.contains("\"status\":\"FAILED\""));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"type\":\"urn:backup-suite:problem:" + slug);
    }

    private String targetUrl(String path) {
        return "http://127.0.0.1:" + target.getAddress().getPort() + path;
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(RESTORE_ROOT)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @Test
    void restoresToAFileUnderTheRootWithProgress() throws Exception {
        String body = restore("{\"objectKey\":\"" + key + "\",\"targetPath\":\"out/" + KEYS.get() + "/copy.bin\"}");
        assertThat(body).contains("\"status\":\"SUCCEEDED\"", "\"bytesDone\":" + content.length, "\"totalBytes\":" + content.length,
                "\"sha256\":\"" + TestSource.sha256(content) + "\"", "\"version\":1");
        assertThat(Files.readAllBytes(RESTORE_ROOT.resolve("out/" + KEYS.get() + "/copy.bin"))).isEqualTo(content);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void restoresToAnAllowListedUrlWithItsDigest() throws Exception {
        String body = restore("{\"objectKey\":\"" + key + "\",\"version\":1,\"sha256\":\"" + TestSource.sha256(content).toUpperCase()
                + "\",\"targetUrl\":\"" + targetUrl("/put/here") + "\"}");
        assertThat(body).contains("\"status\":\"SUCCEEDED\"");
        assertThat(received.get("/put/here")).isEqualTo(content);
        String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(TestSource.sha256(content)));
        assertThat(digests.get("/put/here")).isEqualTo("sha-256=:" + b64 + ":");
    }

    @Test
    void aTargetThatRefusesFailsTheJobWithItsStatus() throws Exception {
        targetStatus.set(500);
        String body = restore("{\"objectKey\":\"" + key + "\",\"targetUrl\":\"" + targetUrl("/refuses") + "\"}");
        assertThat(body).contains("\"status\":\"FAILED\"", "HTTP 500");
    }

    @Test
    void aCorruptedBlobNeverCompletesATarget() throws Exception {
        String sha = TestSource.sha256(content);
        Path blob = DATA_DIR.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        byte[] bad = content.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(blob, bad); // bit rot on the backup disk

        String toFile = restore("{\"objectKey\":\"" + key + "\",\"targetPath\":\"rot-" + KEYS.get() + ".bin\"}");
        assertThat(toFile).contains("\"status\":\"FAILED\"", "does not match the catalog");
        assertThat(RESTORE_ROOT.resolve("rot-" + KEYS.get() + ".bin")).doesNotExist();
        assertThat(leftovers()).isEmpty();

        String toUrl = restore("{\"objectKey\":\"" + key + "\",\"targetUrl\":\"" + targetUrl("/rot") + "\"}");
        assertThat(toUrl).contains("\"status\":\"FAILED\"");
        byte[] got = received.get("/rot");
        assertThat(got == null || got.length < content.length).as("the target never got a complete body").isTrue();
    }

    @Test
    void unknownObjectsAndVersionsAre404() throws Exception {
        assertProblem(post("{\"objectKey\":\"no/such/key\",\"targetPath\":\"x.bin\"}"), 404, "object-not-found");
        assertProblem(post("{\"objectKey\":\"" + key + "\",\"version\":7,\"targetPath\":\"x.bin\"}"), 404, "version-not-found");
        assertProblem(post("{\"objectKey\":\"" + key + "\",\"sha256\":\"" + "ab".repeat(32) + "\",\"targetPath\":\"x.bin\"}"), 404,
                "version-not-found");
        assertProblem(status("00000000-0000-0000-0000-000000000000", basic(OPERATOR, OPERATOR_PASSWORD)), 404, "restore-not-found");
    }

    @Test
    void targetsOutsideTheAllowListOrTheRootAreRefused() throws Exception {
        String k = "{\"objectKey\":\"" + key + "\",";
        assertProblem(post(k + "\"targetUrl\":\"http://example.com/x\"}"), 403, "restore-target-not-allowed");
        assertProblem(post(k + "\"targetUrl\":\"http://169.254.169.254/latest\"}"), 403, "restore-target-not-allowed");
        assertProblem(post(k + "\"targetUrl\":\"ftp://127.0.0.1/x\"}"), 400, "invalid-target-url");
        assertProblem(post(k + "\"targetUrl\":\"http://user:pw@127.0.0.1/x\"}"), 400, "invalid-target-url");
        assertProblem(post(k + "\"targetUrl\":\"http://[::1\"}"), 400, "invalid-target-url");
        assertProblem(post(k + "\"targetPath\":\"../escape.bin\"}"), 400, "invalid-target-path");
        assertProblem(post(k + "\"targetPath\":\"a/../../escape.bin\"}"), 400, "invalid-target-path");
        assertProblem(post(k + "\"targetPath\":\"/etc/passwd\"}"), 400, "invalid-target-path");
        assertProblem(post(k + "\"targetPath\":\"a/./b\"}"), 400, "invalid-target-path");
        assertProblem(post(k + "\"targetPath\":\"nul\\u0000byte\"}"), 400, "invalid-target-path");
        Path outside = Files.createTempDirectory(DATA_DIR.getParent(), "outside-");
        Files.createSymbolicLink(RESTORE_ROOT.resolve("link-" + KEYS.get()), outside);
        assertProblem(post(k + "\"targetPath\":\"link-" + KEYS.get() + "/x.bin\"}"), 400, "invalid-target-path");
        assertThat(outside).isEmptyDirectory();
        Files.createDirectories(RESTORE_ROOT.resolve("dir-" + KEYS.get()));
        assertProblem(post(k + "\"targetPath\":\"dir-" + KEYS.get() + "\"}"), 400, "invalid-target-path");
        Files.write(RESTORE_ROOT.resolve("exists-" + KEYS.get()), new byte[] {1});
        assertProblem(post(k + "\"targetPath\":\"exists-" + KEYS.get() + "\"}"), 409, "target-exists");
        assertThat(restore(k + "\"targetPath\":\"exists-" + KEYS.get() + "\",\"overwrite\":true}")).contains("SUCCEEDED");
        assertThat(Files.readAllBytes(RESTORE_ROOT.resolve("exists-" + KEYS.get()))).isEqualTo(content);
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        assertProblem(post("{not json"), 400, "malformed-body");
        assertProblem(post("{\"objectKey\":\"" + key + "\"}"), 400, "");
        assertProblem(post("{\"objectKey\":\"" + key + "\",\"targetPath\":\"a\",\"targetUrl\":\"" + targetUrl("/a") + "\"}"), 400, "");
        assertProblem(post("{\"targetPath\":\"a\"}"), 400, "");
        assertProblem(post("{\"objectKey\":\"" + key + "\",\"sha256\":\"xyz\",\"targetPath\":\"a\"}"), 400, "");
        assertProblem(post("{\"objectKey\":\"" + key + "\",\"version\":\"one\",\"targetPath\":\"a\"}"), 400, "malformed-body");
        assertProblem(post("{\"objectKey\":\"" + "k".repeat(2000) + "\",\"targetPath\":\"a\"}"), 400, "");
    }

    @Test
    void onlyOperatorsRestore() throws Exception {
        String json = "{\"objectKey\":\"" + key + "\",\"targetPath\":\"auth.bin\"}";
        assertProblem(post(json, null), 401, "");
        assertProblem(post(json, basic(VIEWER, VIEWER_PASSWORD)), 403, "");
        assertProblem(post(json, "Bearer " + UPLOAD_TOKEN), 403, "");
        assertProblem(post(json, basic(OPERATOR, "wrong")), 401, "");
        assertProblem(status("00000000-0000-0000-0000-000000000000", basic(VIEWER, VIEWER_PASSWORD)), 403, "");
        assertThat(RESTORE_ROOT.resolve("auth.bin")).doesNotExist();
    }
}
