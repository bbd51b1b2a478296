package io.backupsuite.worker.roles;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this worker takes part in the console's role management (M1 claims 4 and 7).
 *
 * @param enabled whether the worker reports to the console, asks for the quasi-primary role and fails over
 * @param reportInterval how often the worker sends its replication status (its quasi-primary request)
 * @param pullInterval how often the worker pulls the role table, the fallback for a missed push
 * @param failureTimeout how long the quasi-primary's primary may stay silent before it asks for a failover
 * @param probeAfter how long the primary may be silent before the quasi-primary checks whether its port still
 *     accepts connections; a refused connection means its process is gone, and the failover starts without waiting
 *     out the failure timeout
 * @param checkInterval how often the quasi-primary checks on its primary (also the probe's connect timeout)
 * @param statusTimeout past the failure timeout, how long the quasi-primary waits for its primary's own status
 *     before it asks for a failover; a primary that answers in time that it leads and takes writes is not replaced
 * @param requestTimeout how long one call to the console may take
 * @param promoteTimeout how long a promotion may take before the worker gives up and asks again
 */
@Validated
@ConfigurationProperties("backup.worker.roles")
public record RolesProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("250ms") @NotNull Duration reportInterval,
        @DefaultValue("2s") @NotNull Duration pullInterval,
        @DefaultValue("300ms") @NotNull Duration failureTimeout,
        @DefaultValue("60ms") @NotNull Duration probeAfter,
        @DefaultValue("20ms") @NotNull Duration checkInterval,
        @DefaultValue("200ms") @NotNull Duration statusTimeout,
        @DefaultValue("1s") @NotNull Duration requestTimeout,
        @DefaultValue("5s") @NotNull Duration promoteTimeout) {

    public RolesProperties {
        for (Duration d : new Duration[] {reportInterval, pullInterval, failureTimeout, probeAfter, checkInterval,
            statusTimeout, requestTimeout, promoteTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("backup.worker.roles.* durations must be positive");
            }
        }
    }
}
