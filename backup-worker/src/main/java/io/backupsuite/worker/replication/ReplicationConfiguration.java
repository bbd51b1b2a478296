package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.boot.context.event.ApplicationReadyEvent;

/** The replicated catalog of this worker's storage group: replica, transport, the catalog facade and the control seam. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicationProperties.class)
class ReplicationConfiguration {

    private static final int BLOB_COMMITTERS = 8;

    @Bean
    NodeHttp nodeHttp(ReplicationProperties properties, SecurityProperties security, WorkerNode node) {
        Map<String, URI> addresses = new LinkedHashMap<>();
        properties.members().forEach(m -> addresses.put(m.id(), m.address()));
        addresses.putIfAbsent(node.nodeId(), URI.create(node.address()));
        if (addresses.size() > 1 && (security.nodeToken() == null || security.nodeToken().isBlank())) {
            throw new IllegalStateException("backup.security.node-token must be set for a storage group of more than one member");
        }
        return new NodeHttp(addresses, security.nodeToken() == null ? "" : security.nodeToken(), properties.standbyTimeout().multipliedBy(2));
    }

    @Bean(destroyMethod = "close")
    SocketTransport replicationTransport(ReplicationProperties properties, SecurityProperties security) {
        return ReplicationSockets.transport(properties, security.nodeToken() == null ? "" : security.nodeToken());
    }

    /** The replication socket protocol's listener (a placeholder bean in a group of one). */
    @Bean(destroyMethod = "close")
    AutoCloseable replicationListener(ReplicationProperties p, SecurityProperties security, WorkerNode node, Replica replica,
            MeterRegistry registry, BlobStore store, BlobCommits commits, StandbyHook blobFetcher, SourceCopies copies) {
        var forwardedWrites = new ForwardedWrites(replica, commits, blobFetcher, p.writeTimeout().multipliedBy(2));
        ReplicationServer server = ReplicationSockets.listen(p, node.nodeId(), security.nodeToken(), replica, registry, store, forwardedWrites,
                copies);
        return server != null ? server : () -> { };
    }

    @Bean(destroyMethod = "close")
    Replica replica(ReplicationProperties p, WorkerProperties worker, WorkerNode node, SocketTransport transport, StandbyHook hook,
            ReplicationMetrics metrics) throws IOException {
        List<String> members = members(p, node);
        if (!members.contains(node.nodeId())) {
            throw new IllegalStateException("backup.worker.replication.members must list this worker (" + node.nodeId() + ")");
        }
        int quorum = members.size() == 1 ? 0 : p.quorum();
        var config = new ReplicaConfig(node.nodeId(), members, quorum, worker.dataDir().resolve("replication"), p.writeTimeout(),
                p.standbyTimeout(), p.standbyRetries(), p.heartbeatInterval(), p.maxBatchEntries(), p.window(), p.segmentSize().toBytes(),
                p.checkpointEntries());
        Replica replica = new Replica(config, transport, hook, metrics);
        metrics.bind(replica, config.others());
        return replica;
    }

    /** Makes this member hold the blobs of entries before it logs them (a group of one holds what it stored itself). */
    @Bean
    StandbyHook blobFetcher(ReplicationProperties p, WorkerNode node, SocketTransport sockets, NodeHttp http, BlobStore store,
            BlobCommits commits, SourceCopies copies) {
        List<String> members = members(p, node);
        return members.size() == 1 ? StandbyHook.NONE
                : new BlobFetcher(store, sockets, http, commits, copies, node.nodeId(), members, p.blobFetchTimeout());
    }

    /** Second copies of large blobs from the upload service, beside the downloading member's ({@link SourceCopies}). */
    @Bean
    SourceCopies sourceCopies(ReplicationProperties p, WorkerNode node, Downloader downloader, BlobStore store, SocketTransport sockets,
            ExecutorService sourceCopiers, MeterRegistry registry) {
        return new SourceCopies(downloader, store, sourceCopiers, p.sourceCopyMinSize().toBytes(), sockets, node.nodeId(), members(p, node),
                p.standbyTimeout(), registry);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService sourceCopiers() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(SourceCopies.MAX_RUNNING, r -> {
            Thread t = new Thread(r, "source-copy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    BlobCommits blobCommits(BlobStore store, ExecutorService blobCommitters, MeterRegistry registry) {
        return new BlobCommits(store, blobCommitters, registry);
    }

    private static List<String> members(ReplicationProperties p, WorkerNode node) {
        return p.members().isEmpty() ? List.of(node.nodeId()) : p.members().stream().map(ReplicationProperties.Member::id).toList();
    }

    /**
     * Threads on which a standby commits the blobs of one append concurrently: concurrent fsyncs on
     * one filesystem share journal commits, sequential ones pay one each.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService blobCommitters() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(BLOB_COMMITTERS, r -> {
            Thread t = new Thread(r, "blob-commit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    ReplicationMetrics replicationMetrics(MeterRegistry registry) {
        return new ReplicationMetrics(registry);
    }

    @Bean
    Catalog catalog(Replica replica, SocketTransport sockets, BlobStore store, ReplicationProperties properties, SourceCopies copies) {
        // a second longer than the primary gives the batch (ForwardedWrites), so its answer with every outcome arrives
        var forwarded = new SubmitBatcher(sockets, store, properties.writeTimeout().multipliedBy(2).plusSeconds(1));
        return new ReplicatedCatalog(replica, forwarded, properties.writeTimeout(), copies);
    }

    @Bean
    ReplicationService replicationControl(Replica replica, WorkerNode node, ReplicationProperties properties) {
        return new ReplicationService(replica, node, properties.members().stream()
                .collect(java.util.stream.Collectors.toMap(ReplicationProperties.Member::id, ReplicationProperties.Member::address)));
    }

    @Bean(destroyMethod = "close")
    ReplicationBootstrap replicationBootstrap(Replica replica, ReplicationProperties properties) {
        return new ReplicationBootstrap(replica, properties);
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        event.getApplicationContext().getBean(ReplicationBootstrap.class).start();
    }
}
