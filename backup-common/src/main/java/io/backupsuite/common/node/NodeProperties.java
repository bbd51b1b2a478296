package io.backupsuite.common.node;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who this node is and where it reports. Shared by dispatchers and workers.
 *
 * @param id unique node id; defaults to the kind plus the server port
 * @param group storage group of a worker; {@code null} for dispatchers
 * @param advertisedAddress base URL other nodes and the console use to reach this node
 * @param consoleUrl base URL of the management console; no heartbeats are sent when unset
 * @param heartbeatInterval how often the node reports its status
 */
@ConfigurationProperties("backup.node")
public record NodeProperties(
        @Nullable String id,
        @Nullable String group,
        @Nullable URI advertisedAddress,
        @Nullable URI consoleUrl,
        @DefaultValue("1s") Duration heartbeatInterval) {}
