package io.backupsuite.common.node;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Posts the node's status to the console at a fixed interval, authenticated with the node token.
 * A console that is down only costs a log line now and then; the node keeps working.
 */
public final class HeartbeatSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final URI endpoint;
    private final String nodeToken;
    private final Duration interval;
    private final NodeStatusSource source;
    private final WireCodec codec = new WireCodec();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public HeartbeatSender(URI consoleUrl, String nodeToken, Duration interval, NodeStatusSource source) {
        this.endpoint = consoleUrl.resolve("/api/v1/nodes/heartbeat");
        this.nodeToken = nodeToken;
        this.interval = interval;
        this.source = source;
    }

    /** Sends one heartbeat now; returns the HTTP status, or -1 when the console could not be reached. */
    public int sendOnce() {
        NodeStatus status = source.currentStatus();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer " + nodeToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(status)))
                .build();
        try {
            int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (code >= 300) {
                logFailure("console answered " + code);
            } else {
                failures.set(0);
            }
            return code;
        } catch (IOException e) {
            logFailure(e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * One scheduled beat. A scheduled task that throws is never run again, and a node that stops beating shows
     * as unavailable for good, so nothing may escape: a status that cannot be read now is tried at the next beat.
     */
    private void beat() {
        try {
            sendOnce();
        } catch (RuntimeException e) {
            logFailure(e.toString());
        }
    }

    private void logFailure(String reason) {
        long n = failures.incrementAndGet();
        if (n == 1 || n % 60 == 0) {
            log.warn("Heartbeat to {} failed ({} in a row): {}", endpoint, n, reason);
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
