package io.backupsuite.worker.replication;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP between the workers of a group, beside the replication protocol's sockets: large blobs streamed from
 * their holder (small ones travel in batches on the sockets). Bodies are binary; the node token is the bearer credential
 * (the receiving worker's access rules demand the NODE role on {@code /internal/**}).
 */
final class NodeHttp {

    static final String BINARY = "application/octet-stream";

    private final Map<String, URI> addresses;
    private final String nodeToken;
    private final HttpClient client;
    private final Duration timeout;

    NodeHttp(Map<String, URI> addresses, String nodeToken, Duration timeout) {
        this.addresses = Map.copyOf(addresses);
        this.nodeToken = nodeToken;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    URI address(String nodeId) {
        URI uri = addresses.get(nodeId);
        if (uri == null) {
            throw new IllegalArgumentException("unknown group member " + nodeId);
        }
        return uri;
    }

    HttpRequest.Builder request(String nodeId, String path) {
        return HttpRequest.newBuilder(address(nodeId).resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + nodeToken);
    }

    /** Sends a request and returns the response. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        return client.send(request, handler);
    }
}
