package io.backupsuite.worker.limits;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits that protect the worker, its disk and the sources. The bandwidth, the per-host
 * concurrency and the free-space threshold can be changed at runtime ({@code PUT /api/v1/limits});
 * these are the values at start.
 *
 * @param bandwidth bytes per second that all transfers together may receive; {@code 0} for no limit
 * @param perHostConcurrency transfers that may run against one source host:port at once
 * @param hostWait how long a transfer waits for a free slot at its source host before it fails (retryably)
 * @param minFreeSpace free space the data directory keeps: a transfer that would leave less is refused
 */
@Validated
@ConfigurationProperties("backup.worker.limits")
public record LimitsProperties(
        @DefaultValue("0") @NotNull DataSize bandwidth,
        @DefaultValue("8") @Min(1) @Max(LimitsProperties.MAX_PER_HOST) int perHostConcurrency,
        @DefaultValue("5s") @NotNull Duration hostWait,
        @DefaultValue("512MB") @NotNull DataSize minFreeSpace) {

    /** Highest per-host concurrency accepted. */
    static final int MAX_PER_HOST = 1024;

    /** Lowest bandwidth limit accepted (bytes/s): anything slower would trip every read timeout. */
    static final long MIN_BANDWIDTH = 64 * 1024;

    public LimitsProperties {
        long rate = bandwidth.toBytes();
        if (rate != 0 && rate < MIN_BANDWIDTH) {
            throw new IllegalArgumentException("backup.worker.limits.bandwidth must be 0 (no limit) or at least 64KB, was " + bandwidth);
        }
        if (minFreeSpace.toBytes() < 0 || hostWait.isNegative()) {
            throw new IllegalArgumentException("backup.worker.limits.min-free-space and host-wait must not be negative");
        }
    }

    /** No limits at all (tools and benchmarks outside Spring). */
    public static LimitsProperties none() {
        return new LimitsProperties(DataSize.ofBytes(0), MAX_PER_HOST, Duration.ZERO, DataSize.ofBytes(0));
    }
}
