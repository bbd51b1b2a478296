package io.backupsuite.console.failover;

import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.console.roles.RoleException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls a primary's replication endpoints with the node token: handover (switchover) and availability of a member. */
@Component
class PrimaryClient {

    private final JsonMapper json;
    private final String nodeToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    PrimaryClient(JsonMapper json, SecurityProperties security) {
        this.json = json;
        this.nodeToken = security.nodeToken() == null ? "" : security.nodeToken();
    }

    /**
     * Has the primary hand over to {@code target} in {@code epoch}; returns the write pause the primary measured
     * (from refusing writes to its successor taking them), empty when its answer does not say.
     */
    OptionalLong handover(String primaryId, String address, String target, long epoch, Duration timeout) {
        String answer = post(primaryId, address, "/internal/v1/replication/handover", Map.of("target", target, "epoch", epoch), timeout);
        try {
            JsonNode pause = json.readTree(answer).path("writePauseMs");
            return pause.isIntegralNumber() && pause.asLong() >= 0 ? OptionalLong.of(pause.asLong()) : OptionalLong.empty();
        } catch (JacksonException e) {
            return OptionalLong.empty(); // handed over all the same; only the figure is missing
        }
    }

    void availability(String primaryId, String address, String nodeId, boolean available, Duration timeout) {
        post(primaryId, address, "/internal/v1/replication/availability",
                Map.of("nodeId", nodeId, "available", available), timeout);
    }

    private String post(String primaryId, String address, String path, Map<String, Object> body, Duration timeout) {
        if (nodeToken.isBlank()) {
            throw RoleException.primaryFailed(primaryId, "the console has no node token to call it with");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(address).resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + nodeToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw RoleException.primaryFailed(primaryId, "it answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw RoleException.primaryFailed(primaryId, "it could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RoleException.primaryFailed(primaryId, "the console was interrupted");
        }
    }
}
