package io.backupsuite.localstack.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DemoSourceIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    DemoSource source;
    byte[] content;

    @BeforeEach
    void start() throws Exception {
        content = new byte[1000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Files.createDirectories(dir.resolve("files"));
        Files.write(dir.resolve("files/sample.bin"), content);
        Files.writeString(dir.resolve("secret.txt"), "not to be served");
        source = DemoSource.start(0, dir.resolve("files"), 0, 8);
    }

    @AfterEach
    void stop() {
        source.close();
    }

    @Test
    void servesAWholeFileWithValidators() throws Exception {
        HttpResponse<byte[]> response = get("/files/sample.bin", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.headers().firstValue("ETag")).hasValueSatisfying(etag -> assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\""));
        assertThat(response.headers().firstValue("Last-Modified")).isPresent();
    }

    @Test
    void headAnswersTheHeadersOnly() throws Exception {
        HttpRequest head = HttpRequest.newBuilder(uri("/files/sample.bin")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> response = HTTP.send(head, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void servesSingleRanges() throws Exception {
        assertPartial("bytes=10-19", 10, 19);
        assertPartial("bytes=990-", 990, 999);
        assertPartial("bytes=-5", 995, 999);
        assertPartial("bytes=995-5000", 995, 999);
    }

    @Test
    void withDigestOnARangeCarriesTheContentDigestOfItsBytesEvenWhenTheyAreCorrupted() throws Exception {
        HttpResponse<byte[]> range = get("/files/sample.bin?digest=1", "bytes=100-199");
        HttpResponse<byte[]> corrupted = get("/files/sample.bin?digest=1&corrupt=1", "bytes=100-199");
        HttpResponse<byte[]> whole = get("/files/sample.bin?digest=1", null);

        String expected = "sha-256=:" + java.util.Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(content, 100, 200))) + ":";
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Digest")).hasValue(expected);
        assertThat(range.headers().firstValue("Repr-Digest")).as("only a whole-file answer says it").isEmpty();
        assertThat(corrupted.headers().firstValue("Content-Digest")).hasValue(expected);
        assertThat(corrupted.body()).isNotEqualTo(range.body());
        assertThat(whole.headers().firstValue("Repr-Digest")).hasValue("sha-256=:"
                + java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content)) + ":");
        assertThat(get("/files/sample.bin", "bytes=100-199").headers().firstValue("Content-Digest")).isEmpty();
    }

    @Test
    void aRangeBeyondTheEndIs416() throws Exception {
        HttpResponse<byte[]> response = get("/files/sample.bin", "bytes=1000-");

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */1000");
    }

    @Test
    void ifRangeWithAnotherETagSendsTheWholeFile() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/files/sample.bin"))
                .header("Range", "bytes=10-19")
                .header("If-Range", "\"stale\"")
                .build();
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(1000);
    }

    @Test
    void namesThatAreNotPlainFileNamesAre404() throws Exception {
        for (String path : new String[] {"/files/../secret.txt", "/files/..%2Fsecret.txt", "/files/%2e%2e/secret.txt",
                "/files/.hidden", "/files/", "/files/sub/sample.bin", "/files/missing.bin"}) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void generatesFilesWhoseHashesMatchWhatIsServed() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/admin/generate?count=20&size=5000&prefix=gen")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode files = JSON.readTree(response.body());
        assertThat(files).hasSize(20);
        JsonNode first = files.get(0);
        assertThat(first.get("name").asString()).isEqualTo("gen-0.bin");
        assertThat(first.get("size").asLong()).isEqualTo(5000);
        byte[] served = HTTP.send(HttpRequest.newBuilder(URI.create(first.get("url").asString())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(served).hasSize(5000);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served)))
                .isEqualTo(first.get("sha256").asString());
        assertThat(files.get(1).get("sha256").asString()).isNotEqualTo(first.get("sha256").asString());
    }

    @Test
    void generateRejectsBadParameters() throws Exception {
        for (String query : new String[] {"count=0", "count=x", "size=-1", "prefix=../x", "count=1000000"}) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri("/admin/generate?" + query)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
        }
    }

    @Test
    void aThrottledResponseTakesAsLongAsItsRateSays() throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = get("/files/sample.bin?throttle=2000", null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.body()).isEqualTo(content);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)); // 1000 bytes at 2000 B/s
    }

    @Test
    void answersHealth() throws Exception {
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
    }

    private void assertPartial(String range, int first, int last) throws Exception {
        HttpResponse<byte[]> response = get("/files/sample.bin", range);
        assertThat(response.statusCode()).as(range).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes " + first + "-" + last + "/1000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, first, last + 1));
    }

    private HttpResponse<byte[]> get(String path, String range) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
        if (range != null) {
            builder.header("Range", range);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String path) {
        return URI.create(source.baseUrl() + path);
    }
}
