package io.backupsuite.console.nodes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Gauges of the node table: {@code backup.console.nodes{kind, health}}. A scrape reads all gauges
 * at once, so the table is read from Redis at most once a second and shared between them.
 */
@Component
class NodeMetrics {

    private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);
    private static final Duration MAX_AGE = Duration.ofSeconds(1);
    private static final List<String> KINDS = List.of("dispatcher", "worker");
    private static final List<String> HEALTHS = List.of("UP", "DOWN", NodeView.UNREACHABLE, NodeView.UNKNOWN);

    private final NodeRegistry registry;
    private final Clock clock;
    private List<NodeView> cached = List.of();
    private long cachedAt;
    private boolean stale = true;

    NodeMetrics(NodeRegistry registry, Clock clock, MeterRegistry meters) {
        this.registry = registry;
        this.clock = clock;
        for (String kind : KINDS) {
            for (String health : HEALTHS) {
                Gauge.builder("backup.console.nodes", this, m -> m.count(kind, health))
                        .description("Nodes known to the console, by kind and health")
                        .tag("kind", kind)
                        .tag("health", health)
                        .register(meters);
            }
        }
    }

    synchronized double count(String kind, String health) {
        refreshIfOld();
        if (stale) {
            return Double.NaN;
        }
        return cached.stream()
                .filter(n -> n.kind().equals(kind) && n.health().equals(health))
                .count();
    }

    private void refreshIfOld() {
        long now = clock.millis();
        if (now - cachedAt < MAX_AGE.toMillis()) {
            return;
        }
        cachedAt = now;
        try {
            cached = registry.table().nodes();
            stale = false;
        } catch (RuntimeException e) {
            // Redis unreachable: report "no data" rather than a misleading zero; health shows the cause
            stale = true;
            log.debug("Cannot read the node table for metrics", e);
        }
    }
}
