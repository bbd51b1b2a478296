package io.backupsuite.worker.roles;

import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.common.wire.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The worker's calls to the console's role API, authenticated with the node token. */
class ConsoleClient {

    private final URI console;
    private final String nodeToken;
    private final Duration timeout;
    private final WireCodec codec = new WireCodec();
    private final HttpClient http;

    ConsoleClient(URI console, String nodeToken, Duration timeout) {
        this.console = console;
        this.nodeToken = nodeToken;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    String nodeToken() {
        return nodeToken;
    }

    /** Reports this member's status, which asks for the quasi-primary role. */
    Grant report(String address, ReplicationStatus status) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = post("/api/v1/groups/" + encode(status.group()) + "/quasi-primary",
                Map.of("address", address, "status", status));
        if (response.statusCode() != 200) {
            throw new IOException("console answered " + response.statusCode());
        }
        return codec.decode(response.body(), Grant.class);
    }

    /** Asks for a failover; the answer says the authorised epoch, or why not (with the current table when stale). */
    FailoverAnswer failover(String group, String candidate, long observedEpoch) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = post("/api/v1/groups/" + encode(group) + "/failover",
                Map.of("candidate", candidate, "observedEpoch", observedEpoch));
        if (response.statusCode() == 200 || response.statusCode() == 409) {
            return codec.decode(response.body(), FailoverAnswer.class);
        }
        throw new IOException("console answered " + response.statusCode());
    }

    RoleTable pull(String group) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(console.resolve("/api/v1/roles?group=" + encode(group)))
                .timeout(timeout)
                .header("Authorization", "Bearer " + nodeToken)
                .GET()
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("console answered " + response.statusCode());
        }
        return codec.decode(response.body(), RoleTable.class);
    }

    private HttpResponse<byte[]> post(String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(console.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + nodeToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The console's answer to a report. */
    record Grant(boolean granted, @Nullable String quasiPrimary, long epoch, long version, boolean stale,
            @Nullable RoleTable table) {}

    /**
     * The console's answer to a failover request: 200 {@code {"epoch"}}, or a 409 problem whose {@code type}
     * says why ({@code stale-epoch} comes with the current {@code table}).
     */
    record FailoverAnswer(long epoch, @Nullable String type, @Nullable RoleTable table) {
        boolean refused() {
            return type != null;
        }
    }
}
