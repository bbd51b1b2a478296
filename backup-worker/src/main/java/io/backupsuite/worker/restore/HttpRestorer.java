package io.backupsuite.worker.restore;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * PUTs a restored object to an HTTP(S) target, streamed with its length declared and its SHA-256
 * in RFC 9530 {@code Repr-Digest} and {@code Content-Digest} headers (the body is the whole,
 * unencoded representation, so both are the same), so the target can check it too. Redirects are
 * not followed: a target answers 2xx or the restore fails.
 */
final class HttpRestorer {

    private final HttpClient client;
    private final Duration timeout;

    HttpRestorer(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
    }

    void put(RestoreTarget.Url target, Supplier<InputStream> content, long size, String sha256)
            throws IOException, InterruptedException {
        String digest = "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256)) + ":";
        HttpRequest request = HttpRequest.newBuilder(target.uri())
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .header("Repr-Digest", digest)
                .header("Content-Digest", digest)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(content), size))
                .build();
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the target answered HTTP " + response.statusCode());
        }
    }
}
