package io.backupsuite.console.nodes;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.common.wire.RoleTable;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The node API: heartbeats from nodes, the node table for people and nodes. Access rules are in the application. */
@RestController
@RequestMapping("/api/v1/nodes")
class NodeController {

    private final NodeRegistry registry;

    NodeController(NodeRegistry registry) {
        this.registry = registry;
    }

    @PostMapping("/heartbeat")
    HeartbeatAccepted heartbeat(@RequestBody(required = false) @Nullable NodeStatus status) {
        HeartbeatValidation.check(status);
        return registry.record(status);
    }

    @GetMapping
    NodeTable nodes() {
        return registry.table();
    }

    /**
     * Answer to a heartbeat: the current version of the role table, so a node can tell it is stale, and the
     * table itself when the node announced an epoch behind its group's.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HeartbeatAccepted(long version, @Nullable RoleTable table) {}
}
