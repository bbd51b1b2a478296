package io.backupsuite.console;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the management console.
 *
 * @param heartbeatTimeout how long after its last heartbeat a node is shown as unreachable
 * @param keyPrefix prefix of the console's Redis keys; its braces are a hash tag, so all keys share one slot
 */
@Validated
@ConfigurationProperties("backup.console")
public record ConsoleProperties(
        @DefaultValue("3s") Duration heartbeatTimeout, @DefaultValue("{console}") @NotBlank String keyPrefix) {

    public ConsoleProperties {
        if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
            throw new IllegalArgumentException("backup.console.heartbeat-timeout must be positive");
        }
    }
}
