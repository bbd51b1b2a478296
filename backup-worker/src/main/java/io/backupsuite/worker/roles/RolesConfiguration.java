package io.backupsuite.worker.roles;

import io.backupsuite.common.node.NodeProperties;
import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.replication.ReplicationControl;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the role agent when the worker has a console to talk to, a node token, and a replicated catalog
 * ({@link ReplicationControl}); without any of them the worker runs without role management.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RolesProperties.class)
class RolesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RolesConfiguration.class);

    @Bean
    @Nullable
    RoleAgent roleAgent(RolesProperties settings, NodeProperties node, SecurityProperties security, WorkerNode worker,
            ObjectProvider<ReplicationControl> control, MeterRegistry meters) {
        ReplicationControl replication = control.getIfAvailable();
        if (!settings.enabled() || node.consoleUrl() == null || security.nodeToken() == null || replication == null) {
            log.info("Role management is off (enabled={}, console={}, node token set={}, replicated catalog={})",
                    settings.enabled(), node.consoleUrl(), security.nodeToken() != null, replication != null);
            return null;
        }
        ConsoleClient console = new ConsoleClient(node.consoleUrl(), security.nodeToken(), settings.requestTimeout());
        return new RoleAgent(replication, console, worker, settings, meters);
    }
}
