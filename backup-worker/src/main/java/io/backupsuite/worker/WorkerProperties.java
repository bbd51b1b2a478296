package io.backupsuite.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the backup worker.
 *
 * @param dataDir directory that holds blobs, temp files and the catalog journal
 * @param concurrency transfers running at once
 * @param backlog attempts admitted beyond the running ones, waiting for a thread; the Kafka listener
 *     pauses when they are all taken. Their leases keep running while they wait, so keep it small
 * @param allowedSourceHosts source hosts that may be fetched: exact hosts or IPs, or {@code *.suffix} patterns
 * @param connectTimeout how long connecting to a source may take
 * @param readIdleTimeout how long a source may send nothing (headers or body) before the transfer is abandoned
 * @param maxObjectSize largest object the worker accepts
 * @param progressInterval longest gap between progress reports of a running transfer (also capped at a third of the lease)
 * @param maxRedirects redirects followed per source, each to an allow-listed host only
 * @param bufferSize size of each of the four buffers a transfer reads ahead into (memory per transfer: four times this;
 *     smaller objects get smaller buffers). Keep it under half a G1 region (heap/2048, at least 512 KB) so buffers are
 *     not humongous objects
 * @param resultTimeout how long to wait for Kafka to acknowledge a result
 * @param chunkSize size of the staged chunks a transfer resumes from (each fsynced and checksummed once complete)
 * @param stagingMaxAge staging of an object untouched for this long is deleted (its task was abandoned)
 * @param triesPerSource how many times one attempt may try each source (replica) before giving up on it
 * @param sourceFailureMemory how long a source host that failed is ordered after the healthy ones
 */
@Validated
@ConfigurationProperties("backup.worker")
public record WorkerProperties(
        @DefaultValue("./data/worker") @NotNull Path dataDir,
        @DefaultValue("8") @Min(1) @Max(256) int concurrency,
        @DefaultValue("16") @Min(0) @Max(4096) int backlog,
        @DefaultValue List<String> allowedSourceHosts,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("30s") @NotNull Duration readIdleTimeout,
        @DefaultValue("64GB") @NotNull DataSize maxObjectSize,
        @DefaultValue("2s") @NotNull Duration progressInterval,
        @DefaultValue("3") @Min(0) @Max(10) int maxRedirects,
        @DefaultValue("256KB") @NotNull DataSize bufferSize,
        @DefaultValue("30s") @NotNull Duration resultTimeout,
        @DefaultValue("8MB") @NotNull DataSize chunkSize,
        @DefaultValue("24h") @NotNull Duration stagingMaxAge,
        @DefaultValue("2") @Min(1) @Max(10) int triesPerSource,
        @DefaultValue("1m") @NotNull Duration sourceFailureMemory) {

    public WorkerProperties {
        allowedSourceHosts = List.copyOf(allowedSourceHosts);
        if (chunkSize.toBytes() < 4096) {
            throw new IllegalArgumentException("backup.worker.chunk-size must be at least 4KB, was " + chunkSize);
        }
    }
}
