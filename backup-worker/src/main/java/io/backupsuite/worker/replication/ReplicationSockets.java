package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.worker.store.BlobStore;
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
 * The wire of this worker's replication protocol: the socket protocol, one authenticated connection per member
 * (far fewer thread hand-offs per commit than HTTP), and this member's listener for it. Small blobs and forwarded
 * writes travel on the same connections.
 */
final class ReplicationSockets {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSockets.class);

    private ReplicationSockets() {}

    /** Sockets to every member, itself included (for priming); none in a group of one, which sends nothing. */
    static SocketTransport transport(ReplicationProperties p, String nodeToken) {
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        if (p.replicates()) {
            p.members().forEach(m -> addresses.put(m.id(), m.replicationAddress()));
        }
        return new SocketTransport(addresses, nodeToken, p.standbyTimeout().multipliedBy(2));
    }

    /**
     * This member's listener, which also answers blob batches ({@link BlobBatch}), forwarded writes
     * ({@link ForwardedWrites}) and offers of copies ({@link SourceCopies}); {@code null} in a group of one.
     */
    static ReplicationServer listen(ReplicationProperties p, String selfId, String nodeToken, Replica replica, MeterRegistry registry,
            BlobStore store, ForwardedWrites forwardedWrites, SourceCopies copies) {
        if (!p.replicates()) {
            return null;
        }
        var self = p.members().stream().filter(m -> m.id().equals(selfId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("backup.worker.replication.members must list this worker (" + selfId + ")"));
        InetSocketAddress bind = self.replicationAddress();
        try {
            var server = new ReplicationServer(new InetSocketAddress(bind.getHostString(), bind.getPort()), nodeToken, replica,
                    p.writeTimeout().multipliedBy(3));
            server.serve(BlobBatch.REQUEST_TYPE, BlobBatch.service(store));
            server.serve(SubmitBatchCodec.REQUEST_TYPE, forwardedWrites);
            server.serve(SourceCopies.REQUEST_TYPE, copies.handler());
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
