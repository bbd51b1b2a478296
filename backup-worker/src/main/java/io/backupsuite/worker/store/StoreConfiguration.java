package io.backupsuite.worker.store;

import io.backupsuite.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The blob store and the readiness check that its directory takes writes. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean
    BlobStore blobStore(WorkerProperties properties, MeterRegistry registry) {
        return new BlobStore(properties.dataDir(), registry);
    }

    /** Part of the readiness group: a worker that cannot write its data directory should not take tasks. */
    @Bean
    HealthIndicator dataDirHealthIndicator(BlobStore store) {
        return () -> {
            Path dir = store.tempDirectory();
            try {
                Path probe = Files.createTempFile(dir, "health", ".probe");
                Files.delete(probe);
                return Health.up().withDetail("path", dir.getParent().toAbsolutePath().toString()).build();
            } catch (IOException e) {
                return Health.down().withDetail("path", dir.getParent().toAbsolutePath().toString())
                        .withDetail("error", e.getClass().getSimpleName()).build();
            }
        };
    }
}
