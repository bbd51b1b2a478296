package io.backupsuite.console.roles;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges of the role table, refreshed from Redis every few seconds: {@code backup.console.roles{group, node, role}}
 * (1 per member), {@code backup.console.group.epoch{group}} and {@code backup.console.member.lag{group, node}}
 * (entries a member's log is behind its primary's).
 */
@Component
class RoleMetrics {

    private static final Logger log = LoggerFactory.getLogger(RoleMetrics.class);

    private final RoleBook book;
    private final MultiGauge roles;
    private final MultiGauge epochs;
    private final MultiGauge lags;

    RoleMetrics(RoleBook book, MeterRegistry meters) {
        this.book = book;
        this.roles = MultiGauge.builder("backup.console.roles").description("Role of each storage-group member (1)").register(meters);
        this.epochs = MultiGauge.builder("backup.console.group.epoch").description("Epoch of each storage group").register(meters);
        this.lags = MultiGauge.builder("backup.console.member.lag")
                .description("Entries a member's log is behind its primary's, from their last reports")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${backup.console.metrics-interval:5s}")
    void refresh() {
        try {
            var table = book.table();
            Map<String, MemberReport> reports = book.reports();
            List<MultiGauge.Row<?>> roleRows = new ArrayList<>();
            List<MultiGauge.Row<?>> epochRows = new ArrayList<>();
            List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
            table.nodes().stream().map(r -> r.group()).distinct().forEach(group -> table.nodes().stream()
                    .filter(r -> r.group().equals(group))
                    .findFirst()
                    .ifPresent(r -> epochRows.add(MultiGauge.Row.of(Tags.of("group", group), r.epoch()))));
            for (var row : table.nodes()) {
                roleRows.add(MultiGauge.Row.of(
                        Tags.of("group", row.group(), "node", row.nodeId(), "role", row.role().name()), 1));
                Lag.of(row, table, reports).ifPresent(lag -> lagRows.add(
                        MultiGauge.Row.of(Tags.of("group", row.group(), "node", row.nodeId()), lag)));
            }
            roles.register(roleRows, true);
            epochs.register(epochRows, true);
            lags.register(lagRows, true);
        } catch (RuntimeException e) {
            log.debug("Cannot refresh role metrics", e);
        }
    }
}
