package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.replication.Transport;
import io.backupsuite.catalog.replication.WireFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The replication protocol over HTTP between workers: binary bodies, the node token as bearer
 * credential (the receiving worker's access rules demand the NODE role on {@code /internal/**}).
 */
final class HttpTransport implements Transport {

    static final String BINARY = "application/octet-stream";

    private final Map<String, URI> addresses;
    private final String nodeToken;
    private final HttpClient client;
    private final Duration timeout;
    /**
     * Runs the blocking calls of {@link #call}: the client's own {@code sendAsync} hands every
     * response to the common fork-join pool, which on a 2-core machine has parallelism 1 and so
     * starts a new thread per response (thousands a second under load). One pooled thread per
     * call in flight is bounded by the replication window.
     */
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replication-http");
        t.setDaemon(true);
        return t;
    });

    HttpTransport(Map<String, URI> addresses, String nodeToken, Duration timeout) {
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

    private <T> CompletableFuture<T> post(String to, String path, byte[] body, Function<byte[], T> decode) {
        return post(to, path, body, decode, timeout);
    }

    private <T> CompletableFuture<T> post(String to, String path, byte[] body, Function<byte[], T> decode, Duration within) {
        HttpRequest request;
        try {
            request = request(to, path).timeout(within).header("Content-Type", BINARY).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return call(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                // a refusal is a problem body (JSON): its text says why
                String why = new String(response.body(), 0, Math.min(response.body().length, 300), java.nio.charset.StandardCharsets.UTF_8);
                throw new IllegalStateException(to + " answered " + response.statusCode() + " to " + path + ": " + why);
            }
            return decode.apply(response.body());
        });
    }

    private <T> CompletableFuture<HttpResponse<T>> call(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.send(request, handler);
            } catch (IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, calls);
    }

    @Override
    public CompletableFuture<AppendReply> append(String to, AppendRequest request) {
        return post(to, "/internal/v1/replication/append", WireFormat.encode(request), WireFormat::appendReply);
    }

    @Override
    public CompletableFuture<PromiseReply> promise(String to, PromiseRequest request) {
        return post(to, "/internal/v1/replication/promise", WireFormat.encode(request), WireFormat::promiseReply);
    }

    @Override
    public CompletableFuture<FetchReply> fetch(String to, FetchRequest request) {
        return post(to, "/internal/v1/replication/fetch", WireFormat.encode(request), WireFormat::fetchReply);
    }

    @Override
    public CompletableFuture<AppendReply> installSnapshot(String to, io.backupsuite.catalog.replication.Messages.SnapshotChunk chunk) {
        return post(to, "/internal/v1/replication/snapshot", WireFormat.encode(chunk), WireFormat::appendReply);
    }

    /** Asks the switchover's successor to take over in {@code epoch}; it answers once it takes writes. */
    @Override
    public CompletableFuture<Void> promote(String to, long epoch) {
        byte[] body = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(epoch).array();
        // promises, and perhaps another member's log, take longer than one protocol message
        return post(to, "/internal/v1/replication/take-over", body, answer -> null, timeout.multipliedBy(4));
    }

    /** Sends a request and returns the response; used for forwarding writes and fetching blobs. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        return client.send(request, handler);
    }
}
