package io.backupsuite.dispatcher;

import io.backupsuite.common.node.HeartbeatConfiguration;
import io.backupsuite.common.node.NodeProperties;
import io.backupsuite.common.node.NodeStatusSource;
import io.backupsuite.common.security.AccessRule;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.web.CommonWebConfiguration;
import io.backupsuite.dispatcher.queue.TaskQueue;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The backup dispatcher (M4): takes upload notifications over REST and Kafka, keeps backup tasks
 * on Redis pending/working/delay queues and hands leased attempts to workers over Kafka.
 */
@SpringBootApplication
@EnableConfigurationProperties(DispatcherProperties.class)
@Import({CommonWebConfiguration.class, HeartbeatConfiguration.class})
public class DispatcherApplication {

    public static void main(String[] args) {
        SpringApplication.run(DispatcherApplication.class, args);
    }

    /** Upload services send; everyone who may look reads; operators and nodes retry. The rest is operators'. */
    @Bean
    AccessRules accessRules() {
        Role[] readers = {Role.UPLOADER, Role.NODE, Role.VIEWER, Role.OPERATOR};
        return AccessRules.of(
                AccessRule.of("POST", "/api/v1/uploads", Role.UPLOADER),
                AccessRule.of("POST", "/api/v1/uploads/**", Role.UPLOADER),
                AccessRule.of("POST", "/api/v1/tasks/*/retry", Role.OPERATOR, Role.NODE),
                AccessRule.of("GET", "/api/v1/tasks", readers),
                AccessRule.of("GET", "/api/v1/tasks/**", readers),
                AccessRule.of("GET", "/api/v1/queues", readers),
                AccessRule.any("/**", Role.OPERATOR));
    }

    @Bean
    NodeStatusSource nodeStatusSource(NodeProperties node, TaskQueue queue, Environment environment) {
        return new DispatcherNodeStatus(node, queue, environment);
    }
}
