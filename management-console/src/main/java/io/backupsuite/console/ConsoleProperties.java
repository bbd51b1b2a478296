package io.backupsuite.console;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the management console.
 *
 * @param heartbeatTimeout how long after its last heartbeat a node is shown as unreachable
 * @param keyPrefix prefix of the console's Redis keys; its braces are a hash tag, so all keys share one slot
 * @param statusFreshness how long a member's replication report counts when choosing the quasi-primary
 * @param quasiPrimaryTolerance entries the quasi-primary may fall behind the most up-to-date standby before the role moves
 * @param authorisationTimeout how long an epoch authorised for a failover or switchover waits for its candidate to
 *     report that it is primary; after it, a new epoch may be authorised
 * @param broadcastTimeout how long pushing the role table to one node may take
 * @param handoverTimeout how long the primary may take to hand over in a switchover
 * @param historySize role changes and audit entries kept (each list)
 * @param dispatcherUrl base URL of a dispatcher, for queue depths, transfers and dead tasks on the admin page
 * @param dispatcherToken bearer token (with roles OPERATOR or NODE) the console presents to the dispatcher;
 *     defaults to the node token
 * @param sessionTimeout how long an admin-page login lasts without activity
 */
@Validated
@ConfigurationProperties("backup.console")
public record ConsoleProperties(
        @DefaultValue("3s") Duration heartbeatTimeout,
        @DefaultValue("{console}") @NotBlank String keyPrefix,
        @DefaultValue("1500ms") Duration statusFreshness,
        @DefaultValue("100") @Min(0) long quasiPrimaryTolerance,
        @DefaultValue("5s") Duration authorisationTimeout,
        @DefaultValue("2s") Duration broadcastTimeout,
        @DefaultValue("10s") Duration handoverTimeout,
        @DefaultValue("1000") @Min(10) int historySize,
        @Nullable URI dispatcherUrl,
        @Nullable String dispatcherToken,
        @DefaultValue("30m") Duration sessionTimeout) {

    public ConsoleProperties {
        positive("heartbeat-timeout", heartbeatTimeout);
        positive("status-freshness", statusFreshness);
        positive("authorisation-timeout", authorisationTimeout);
        positive("broadcast-timeout", broadcastTimeout);
        positive("handover-timeout", handoverTimeout);
        positive("session-timeout", sessionTimeout);
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("backup.console." + name + " must be positive");
        }
    }
}
