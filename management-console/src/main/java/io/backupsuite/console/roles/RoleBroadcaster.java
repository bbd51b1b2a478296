package io.backupsuite.console.roles;

import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.common.wire.RoleAssignment;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.console.ConsoleProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes the complete role table to every storage-group member whenever it changes (M1 claim 7):
 * {@code POST <address>/internal/v1/roles} with the node token. A member applies only a newer version, so
 * pushes may overlap or repeat; one that fails is made good by the member's pull.
 */
@Component
class RoleBroadcaster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoleBroadcaster.class);

    private final RoleBook book;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final Duration timeout;
    private final String nodeToken;
    private final HttpClient http;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "role-broadcast");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong pushedVersion = new AtomicLong();

    RoleBroadcaster(RoleBook book, JsonMapper json, MeterRegistry meters, ConsoleProperties properties,
            SecurityProperties security) {
        this.book = book;
        this.json = json;
        this.meters = meters;
        this.timeout = properties.broadcastTimeout();
        this.nodeToken = security.nodeToken();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
        if (nodeToken == null || nodeToken.isBlank()) {
            log.warn("backup.security.node-token is not set: the role table is not pushed, members must pull it");
        }
    }

    @EventListener
    void changed(RoleTableChanged event) {
        if (nodeToken == null || nodeToken.isBlank() || event.version() == pushedVersion.get()) {
            return;
        }
        executor.execute(this::pushCurrent);
    }

    /** Reads the table now (it may be newer than the event) and sends it to every member at once. */
    void pushCurrent() {
        RoleTable table;
        try {
            table = book.table();
        } catch (RuntimeException e) {
            log.warn("Cannot read the role table to broadcast it: {}", e.toString());
            return;
        }
        // "already pushed" means this very version: a version lower than the last one is new too (Redis was reset)
        if (pushedVersion.getAndSet(table.version()) == table.version()) {
            return;
        }
        byte[] body = json.writeValueAsBytes(table);
        for (RoleAssignment member : table.nodes()) {
            executor.execute(() -> push(member, body, table.version()));
        }
    }

    private void push(RoleAssignment member, byte[] body, long version) {
        String outcome;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(member.address()).resolve("/internal/v1/roles"))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + nodeToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            outcome = status < 300 ? "ok" : "refused";
            if (status >= 300) {
                log.debug("{} refused role table {} with {}", member.nodeId(), version, status);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            outcome = "unreachable";
            log.debug("Cannot push role table {} to {}: {}", version, member.nodeId(), e.toString());
        }
        meters.counter("backup.console.role.broadcasts", "outcome", outcome).increment();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
