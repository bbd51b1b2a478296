package io.backupsuite.console.dashboard;

import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.common.web.ApiException;
import io.backupsuite.console.ConsoleProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads queue depths and tasks from the dispatcher, and asks it to retry dead tasks, with the console's credential. */
@Component
class DispatcherClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final JsonMapper json;
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    DispatcherClient(JsonMapper json, ConsoleProperties properties, SecurityProperties security) {
        this.json = json;
        this.base = properties.dispatcherUrl();
        this.token = properties.dispatcherToken() != null ? properties.dispatcherToken() : security.nodeToken();
    }

    JsonNode get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    /**
     * Tasks the dispatcher has completed since it started ({@code backup_tasks_total{outcome="done"}} from its
     * public metrics), or -1 when they cannot be read; the page turns it into a rate.
     */
    long completedTotal() {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri("/actuator/prometheus")).timeout(TIMEOUT).GET().build();
            String text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return text.lines()
                    .filter(l -> l.startsWith("backup_tasks_total{") && l.contains("outcome=\"done\""))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    JsonNode post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private URI uri(String pathAndQuery) {
        if (base == null || token == null) {
            throw ApiException.unavailable("no-dispatcher", "The console has no dispatcher configured (backup.console.dispatcher-url).");
        }
        return base.resolve(pathAndQuery);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(TIMEOUT).header("Authorization", "Bearer " + token).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404 || response.statusCode() == 409) {
                // the dispatcher's own refusal (unknown or not dead) is the operator's answer too
                throw new ApiException(HttpStatus.valueOf(response.statusCode()), "dispatcher-refused",
                        "Refused by the dispatcher", "The dispatcher answered " + response.statusCode() + ".",
                        java.util.Map.of());
            }
            if (response.statusCode() >= 300) {
                throw dispatcherFailed("it answered " + response.statusCode());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw dispatcherFailed("it could not be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw dispatcherFailed("the console was interrupted");
        }
    }

    private static ApiException dispatcherFailed(String reason) {
        return new ApiException(HttpStatus.BAD_GATEWAY, "dispatcher-failed", "Dispatcher failed",
                "The dispatcher did not answer: " + reason + ".", java.util.Map.of());
    }
}
