package io.backupsuite.worker.catalog;

import io.backupsuite.worker.WorkerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The catalog of this node: for now the local journal-backed one (M1 swaps in the replicated one here). */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    LocalCatalog catalog(WorkerProperties properties, MeterRegistry registry) throws IOException {
        LocalCatalog catalog = new LocalCatalog(
                properties.dataDir().resolve("catalog").resolve("journal.log"), CatalogJournal.Syncer.FDATASYNC, Clock.systemUTC());
        Gauge.builder("backup.worker.catalog.entries", catalog, Catalog::size)
                .description("Object keys in this node's catalog")
                .register(registry);
        return catalog;
    }
}
