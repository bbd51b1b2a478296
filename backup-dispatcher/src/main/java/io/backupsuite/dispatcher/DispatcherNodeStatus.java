package io.backupsuite.dispatcher;

import io.backupsuite.common.node.NodeProperties;
import io.backupsuite.common.node.NodeStatusSource;
import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.dispatcher.queue.TaskQueue;
import org.springframework.core.env.Environment;

/** The dispatcher's heartbeat: up while its Redis answers, with the leased attempts as in-flight work. */
final class DispatcherNodeStatus implements NodeStatusSource {

    private final NodeProperties node;
    private final TaskQueue queue;
    private final Environment environment;

    DispatcherNodeStatus(NodeProperties node, TaskQueue queue, Environment environment) {
        this.node = node;
        this.queue = queue;
        this.environment = environment;
    }

    @Override
    public NodeStatus currentStatus() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8081"));
        String id = node.id() != null ? node.id() : "dispatcher-" + port;
        String address = node.advertisedAddress() != null ? node.advertisedAddress().toString() : "http://127.0.0.1:" + port;
        String health = "UP";
        int inFlight = 0;
        try {
            inFlight = (int) Math.min(Integer.MAX_VALUE, queue.stats().working());
        } catch (RuntimeException e) {
            health = "DOWN";
        }
        return new NodeStatus(id, "dispatcher", null, address, null, 0, 0, 0, health, inFlight, System.currentTimeMillis());
    }
}
