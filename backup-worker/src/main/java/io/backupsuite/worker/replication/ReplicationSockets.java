package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which wire carries this worker's replication protocol. When every member names a replication address
 * ({@link ReplicationProperties#usesSockets()}) it is the socket protocol: one authenticated connection per
 * member, far fewer thread hand-offs per commit than HTTP. Otherwise it is HTTP to the members' APIs.
 */
final class ReplicationSockets {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSockets.class);

    private ReplicationSockets() {}

    /** The transport that carries the protocol's messages; closing it closes its connections. */
    record Wire(Transport transport) implements AutoCloseable {
        @Override
        public void close() {
            if (transport instanceof SocketTransport sockets) {
                sockets.close();
            }
        }
    }

    /** Sockets to every member (itself included, for priming), or the HTTP transport. */
    static Wire wire(ReplicationProperties p, String nodeToken, HttpTransport http) {
        if (!p.usesSockets()) {
            return new Wire(http);
        }
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        p.members().forEach(m -> addresses.put(m.id(), m.replicationAddress()));
        return new Wire(new SocketTransport(addresses, nodeToken, p.standbyTimeout().multipliedBy(2)));
    }

    /** This member's listener, when the group uses sockets; {@code null} otherwise. */
    static ReplicationServer listen(ReplicationProperties p, String selfId, String nodeToken, Replica replica, MeterRegistry registry) {
        if (!p.usesSockets()) {
            return null;
        }
        var self = p.members().stream().filter(m -> m.id().equals(selfId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("backup.worker.replication.members must list this worker (" + selfId + ")"));
        InetSocketAddress bind = self.replicationAddress();
        try {
            var server = new ReplicationServer(new InetSocketAddress(bind.getHostString(), bind.getPort()), nodeToken, replica,
                    p.writeTimeout().multipliedBy(3));
            Gauge.builder("backup.worker.replication.connections", server, ReplicationServer::openConnections)
                    .description("Replication connections from other members open now")
                    .register(registry);
            FunctionCounter.builder("backup.worker.replication.connections.refused", server, ReplicationServer::refusedConnections)
                    .description("Replication connections turned away: wrong or missing node token")
                    .register(registry);
            log.info("Replication protocol listens on {}", self.replication());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for replication on " + self.replication() + ": " + e.getMessage(), e);
        }
    }
}
