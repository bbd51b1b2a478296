package io.backupsuite.worker.restore;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of restores to operator-chosen targets ({@code POST /api/v1/restores}).
 *
 * @param root directory under which file restores may write; file restores are refused when unset
 * @param allowedTargetHosts hosts that HTTP(S) restores may PUT to: exact hosts or IPs, or {@code *.suffix} patterns
 * @param connectTimeout how long connecting to an HTTP target may take
 * @param timeout longest time one HTTP restore may take, body included
 * @param maxRunning restores running at once; more wait in a queue
 * @param maxQueued restores waiting for a thread; beyond that new ones are refused with 429
 * @param retainedJobs finished jobs kept for the status API (the oldest are forgotten first)
 */
@Validated
@ConfigurationProperties("backup.worker.restore")
public record RestoreProperties(
        @Nullable Path root,
        @DefaultValue List<String> allowedTargetHosts,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("6h") @NotNull Duration timeout,
        @DefaultValue("2") @Min(1) @Max(64) int maxRunning,
        @DefaultValue("32") @Min(0) @Max(10_000) int maxQueued,
        @DefaultValue("1000") @Min(1) @Max(1_000_000) int retainedJobs) {

    public RestoreProperties {
        allowedTargetHosts = List.copyOf(allowedTargetHosts);
    }
}
