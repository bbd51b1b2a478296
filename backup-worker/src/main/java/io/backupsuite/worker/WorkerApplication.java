package io.backupsuite.worker;

import io.backupsuite.common.node.HeartbeatConfiguration;
import io.backupsuite.common.node.NodeProperties;
import io.backupsuite.common.node.NodeStatusSource;
import io.backupsuite.common.security.AccessRule;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.web.CommonWebConfiguration;
import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.worker.intake.TaskIntake;
import io.backupsuite.worker.replication.ReplicationControl;
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

    /**
     * Reading backed-up objects needs the upload token, a console user or a node credential; restore jobs and
     * limit changes are for operators (a viewer may read the limits); anything else is for operators and nodes.
     */
    @Bean
    AccessRules accessRules() {
        return AccessRules.of(
                AccessRule.of("GET", "/api/v1/objects/**", Role.UPLOADER, Role.OPERATOR, Role.VIEWER, Role.NODE),
                AccessRule.any("/internal/**", Role.NODE), // node-to-node: replication, blob fetches, roles
                AccessRule.any("/api/v1/restores/**", Role.OPERATOR),
                AccessRule.of("GET", "/api/v1/limits", Role.OPERATOR, Role.VIEWER),
                AccessRule.any("/api/v1/limits/**", Role.OPERATOR),
                AccessRule.any("/**", Role.OPERATOR, Role.NODE));
    }

    @Bean
    NodeStatusSource nodeStatusSource(WorkerNode node, TaskIntake intake, ReplicationControl replication) {
        return () -> {
            ReplicationStatus status = replication.status();
            return new NodeStatus(
                    node.nodeId(),
                    "worker",
                    node.group(),
                    node.address(),
                    status.role().name(),
                    status.epoch(),
                    status.lastSeq(),
                    status.commitSeq(),
                    "UP",
                    intake.inFlight(),
                    System.currentTimeMillis());
        };
    }
}
