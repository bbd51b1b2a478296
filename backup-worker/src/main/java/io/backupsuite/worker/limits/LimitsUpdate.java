package io.backupsuite.worker.limits;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

/**
 * A change of the runtime limits ({@code PUT /api/v1/limits}); fields left out keep their value.
 *
 * @param bandwidthBytesPerSecond new global bandwidth limit: 0 for none, else at least 64 KiB/s
 * @param perHostConcurrency new number of transfers allowed at once per source host
 * @param minFreeSpaceBytes new free-space threshold of the data directory
 */
record LimitsUpdate(
        @Nullable @Min(0) @Max(1L << 40) Long bandwidthBytesPerSecond,
        @Nullable @Min(1) @Max(LimitsProperties.MAX_PER_HOST) Integer perHostConcurrency,
        @Nullable @Min(0) @Max(1L << 50) Long minFreeSpaceBytes) {

    @AssertTrue(message = "must be 0 (no limit) or at least 65536")
    boolean isBandwidthBytesPerSecondUsable() {
        return bandwidthBytesPerSecond == null || bandwidthBytesPerSecond == 0
                || bandwidthBytesPerSecond >= LimitsProperties.MIN_BANDWIDTH;
    }

    @AssertTrue(message = "at least one of bandwidthBytesPerSecond, perHostConcurrency, minFreeSpaceBytes is required")
    boolean isAnySet() {
        return bandwidthBytesPerSecond != null || perHostConcurrency != null || minFreeSpaceBytes != null;
    }
}
