package io.backupsuite.worker;

import io.backupsuite.common.node.HeartbeatConfiguration;
import io.backupsuite.common.node.NodeProperties;
import io.backupsuite.common.node.NodeStatusSource;
import io.backupsuite.common.security.AccessRule;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.web.CommonWebConfiguration;
import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.intake.TaskIntake;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The backup worker: consumes backup tasks, downloads and stores blobs, keeps the catalog, serves restores. */
@SpringBootApplication
@EnableConfigurationProperties(WorkerProperties.class)
@Import({CommonWebConfiguration.class, HeartbeatConfiguration.class})
public class WorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(WorkerApplication.class, args);
    }

    @Bean
    WorkerNode workerNode(NodeProperties node, @Value("${server.port:8091}") int port) {
        String id = node.id() == null || node.id().isBlank() ? "worker-" + port : node.id();
        String group = node.group() == null || node.group().isBlank() ? "g1" : node.group();
        String address = node.advertisedAddress() != null
                ? node.advertisedAddress().toString()
                : "http://127.0.0.1:" + port;
        return new WorkerNode(id, group, address);
    }

    /** Restores need the upload token, a console user or a node credential; anything else is for operators and nodes. */
    @Bean
    AccessRules accessRules() {
        return AccessRules.of(
                AccessRule.of("GET", "/api/v1/objects/**", Role.UPLOADER, Role.OPERATOR, Role.VIEWER, Role.NODE),
                AccessRule.any("/**", Role.OPERATOR, Role.NODE));
    }

    @Bean
    NodeStatusSource nodeStatusSource(WorkerNode node, TaskIntake intake, Catalog catalog) {
        return () -> new NodeStatus(
                node.nodeId(),
                "worker",
                node.group(),
                node.address(),
                null,
                0,
                catalog.lastSequence(),
                catalog.lastSequence(),
                "UP",
                intake.inFlight(),
                System.currentTimeMillis());
    }
}
