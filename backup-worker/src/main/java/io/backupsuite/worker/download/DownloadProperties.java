package io.backupsuite.worker.download;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How objects larger than one chunk are fetched: chunk by chunk with byte ranges, and over several
 * connections at once from the parallel threshold on.
 *
 * @param parallelThreshold objects at least this large are fetched over {@code parallelism} connections at once
 *     (smaller ones over one, still chunk by chunk)
 * @param parallelism connections one large transfer opens at once (memory per transfer: this many buffers)
 */
@Validated
@ConfigurationProperties("backup.worker.download")
public record DownloadProperties(
        @DefaultValue("64MB") @NotNull DataSize parallelThreshold,
        @DefaultValue("4") @Min(1) @Max(16) int parallelism) {

    /** The defaults, outside Spring (tests, benchmarks). */
    public static DownloadProperties defaults() {
        return new DownloadProperties(DataSize.ofMegabytes(64), 4);
    }
}
