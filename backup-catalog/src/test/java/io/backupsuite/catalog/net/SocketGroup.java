package io.backupsuite.catalog.net;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.backupsuite.catalog.replication.StandbyHook;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three replicas in this JVM that talk over real loopback sockets ({@link SocketTransport}, {@link ReplicationServer}). */
final class SocketGroup implements AutoCloseable {

    static final String TOKEN = "socket-group-token";
    static final List<String> MEMBERS = List.of("w1", "w2", "w3");

    private final Path root;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Member> running = new LinkedHashMap<>();
    /** The blob hook of each member; none holds anything up unless a test says so. */
    final Map<String, StandbyHook> hooks = new java.util.concurrent.ConcurrentHashMap<>();

    record Member(Replica replica, SocketTransport transport, ReplicationServer server) {}

    SocketGroup(Path root) throws IOException {
        this.root = root;
        for (String id : MEMBERS) {
            try (ServerSocket probe = new ServerSocket(0)) {
                ports.put(id, probe.getLocalPort());
            }
        }
        for (String id : MEMBERS) {
            start(id);
        }
    }

    InetSocketAddress address(String id) {
        return new InetSocketAddress("127.0.0.1", ports.get(id));
    }

    synchronized Member start(String id) throws IOException {
        Map<String, InetSocketAddress> others = new LinkedHashMap<>();
        MEMBERS.stream().filter(m -> !m.equals(id)).forEach(m -> others.put(m, address(m)));
        var config = new ReplicaConfig(id, MEMBERS, 1, root.resolve(id), Duration.ofMillis(1500), Duration.ofMillis(250), 3,
                Duration.ofMillis(20), 512, 4, 1 << 20, 2_000);
        var transport = new SocketTransport(others, TOKEN, Duration.ofMillis(500));
        var replica = new Replica(config, transport, hooks.getOrDefault(id, StandbyHook.NONE), ReplicaListener.NONE);
        var server = new ReplicationServer(address(id), TOKEN, replica, Duration.ofSeconds(10));
        var member = new Member(replica, transport, server);
        running.put(id, member);
        return member;
    }

    synchronized Replica replica(String id) {
        return running.get(id).replica();
    }

    synchronized ReplicationServer server(String id) {
        return running.get(id).server();
    }

    /** Stops a member abruptly: its sockets close, its disk stays as it is. */
    synchronized void stop(String id) throws IOException {
        Member m = running.remove(id);
        if (m != null) {
            m.server().close();
            m.transport().close();
            m.replica().close();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        for (String id : List.copyOf(running.keySet())) {
            stop(id);
        }
    }
}
