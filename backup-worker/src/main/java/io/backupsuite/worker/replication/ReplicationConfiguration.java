package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.common.security.SecurityProperties;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.boot.context.event.ApplicationReadyEvent;

/** The replicated catalog of this worker's storage group: replica, transport, the catalog facade and the control seam. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicationProperties.class)
class ReplicationConfiguration {

    @Bean
    HttpTransport replicationTransport(ReplicationProperties properties, SecurityProperties security, WorkerNode node) {
        Map<String, URI> addresses = new LinkedHashMap<>();
        properties.members().forEach(m -> addresses.put(m.id(), m.address()));
        addresses.putIfAbsent(node.nodeId(), URI.create(node.address()));
        if (addresses.size() > 1 && (security.nodeToken() == null || security.nodeToken().isBlank())) {
            throw new IllegalStateException("backup.security.node-token must be set for a storage group of more than one member");
        }
        return new HttpTransport(addresses, security.nodeToken() == null ? "" : security.nodeToken(), properties.standbyTimeout().multipliedBy(2));
    }

    @Bean(destroyMethod = "close")
    Replica replica(ReplicationProperties p, WorkerProperties worker, WorkerNode node, HttpTransport transport, BlobStore store,
            ReplicationMetrics metrics) throws IOException {
        List<String> members = p.members().isEmpty() ? List.of(node.nodeId()) : p.members().stream().map(ReplicationProperties.Member::id).toList();
        if (!members.contains(node.nodeId())) {
            throw new IllegalStateException("backup.worker.replication.members must list this worker (" + node.nodeId() + ")");
        }
        int quorum = members.size() == 1 ? 0 : p.quorum();
        var config = new ReplicaConfig(node.nodeId(), members, quorum, worker.dataDir().resolve("replication"), p.writeTimeout(),
                p.standbyTimeout(), p.standbyRetries(), p.heartbeatInterval(), p.maxBatchEntries(), p.window(), p.segmentSize().toBytes(),
                p.checkpointEntries());
        StandbyHook hook = members.size() == 1 ? StandbyHook.NONE : new BlobFetcher(store, transport, node.nodeId(), members, p.blobFetchTimeout());
        Replica replica = new Replica(config, transport, hook, metrics);
        metrics.bind(replica, config.others());
        return replica;
    }

    @Bean
    ReplicationMetrics replicationMetrics(MeterRegistry registry) {
        return new ReplicationMetrics(registry);
    }

    @Bean
    Catalog catalog(Replica replica, HttpTransport transport, ReplicationProperties properties) {
        return new ReplicatedCatalog(replica, transport, properties.writeTimeout());
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
