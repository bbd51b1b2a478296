package io.backupsuite.dispatcher;

import io.backupsuite.dispatcher.queue.QueueSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the dispatcher, under {@code backup.dispatcher}.
 *
 * @param namespace hash tag of the queue's Redis keys; dispatchers sharing a queue use the same one
 * @param leaseDuration how long a leased attempt may run without a progress report before it is redelivered
 * @param maxAttempts attempts per task before it is dead
 * @param backoffBase delay before the second attempt; later ones double it
 * @param backoffMax longest delay between two attempts
 * @param backoffJitter how the delay is randomised, so that failed tasks do not retry in lockstep
 * @param claimBatchSize the most tasks leased and published per dispatch round
 * @param maxInFlight the most attempts leased at once, across all dispatchers of the queue
 * @param minInFlight the fewest attempts the in-flight limit allows, which is also where it starts on an idle queue
 * @param maxIdleWait longest wait of an idle dispatch loop before it looks for due work again
 * @param publishTimeout how long the dispatch loop waits for Kafka to acknowledge a batch
 * @param doneRetention how long a finished task stays readable through the API
 * @param allowedSourceHosts source hosts accepted in notifications: exact host names or IPs, or {@code *.domain}
 * @param maxObjectSize largest object size a notification may announce
 * @param maxSources the most source URLs per notification
 * @param maxKeyLength the longest object key, in characters
 * @param maxBatchNotifications the most notifications in one batch request
 * @param topicPartitions partitions of the topics the dispatcher declares
 * @param topicReplication replication factor of the topics the dispatcher declares
 */
@Validated
@ConfigurationProperties("backup.dispatcher")
public record DispatcherProperties(
        @DefaultValue("bq") @NotBlank String namespace,
        @DefaultValue("10s") @NotNull Duration leaseDuration,
        @DefaultValue("5") @Min(1) int maxAttempts,
        @DefaultValue("1s") @NotNull Duration backoffBase,
        @DefaultValue("5m") @NotNull Duration backoffMax,
        @DefaultValue("EQUAL") @NotNull Jitter backoffJitter,
        @DefaultValue("500") @Min(1) @Max(10_000) int claimBatchSize,
        @DefaultValue("5000") @Min(1) int maxInFlight,
        @DefaultValue("32") @Min(1) int minInFlight,
        @DefaultValue("1s") @NotNull Duration maxIdleWait,
        @DefaultValue("10s") @NotNull Duration publishTimeout,
        @DefaultValue("7d") @NotNull Duration doneRetention,
        @DefaultValue List<String> allowedSourceHosts,
        @DefaultValue("1TB") @NotNull DataSize maxObjectSize,
        @DefaultValue("16") @Min(1) @Max(256) int maxSources,
        @DefaultValue("1024") @Min(1) @Max(65_536) int maxKeyLength,
        @DefaultValue("1000") @Min(1) @Max(100_000) int maxBatchNotifications,
        @DefaultValue("6") @Min(1) int topicPartitions,
        @DefaultValue("1") @Min(1) short topicReplication) {

    public DispatcherProperties {
        allowedSourceHosts = List.copyOf(allowedSourceHosts);
    }

    /** How a retry delay is randomised (see the AWS architecture blog's "Exponential Backoff And Jitter"). */
    public enum Jitter {
        /** Anywhere between zero and the exponential delay. */
        FULL,
        /** Half the exponential delay plus up to another half: never less than half. */
        EQUAL,
        /** Exactly the exponential delay. */
        NONE
    }

    /** The queue engine's view of these settings. */
    public QueueSettings queueSettings() {
        return new QueueSettings(namespace, leaseDuration, maxAttempts, maxInFlight, doneRetention, 1000);
    }
}
