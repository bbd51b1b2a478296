package io.backupsuite.common.node;

import io.backupsuite.common.security.SecurityProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts heartbeats to the console when {@code backup.node.console-url} is set. Import it from a service. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NodeProperties.class)
public class HeartbeatConfiguration {

    @Bean
    @ConditionalOnProperty("backup.node.console-url")
    HeartbeatSender heartbeatSender(NodeProperties node, SecurityProperties security, NodeStatusSource source) {
        if (security.nodeToken() == null || security.nodeToken().isBlank()) {
            throw new IllegalStateException("backup.security.node-token must be set to send heartbeats to the console");
        }
        return new HeartbeatSender(node.consoleUrl(), security.nodeToken(), node.heartbeatInterval(), source);
    }
}
