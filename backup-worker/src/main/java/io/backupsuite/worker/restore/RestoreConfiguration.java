package io.backupsuite.worker.restore;

import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Restore jobs: their targets' checks, their writers and the threads they run on. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RestoreProperties.class)
class RestoreConfiguration {

    @Bean(destroyMethod = "shutdownNow")
    ThreadPoolExecutor restorePool(RestoreProperties properties) {
        AtomicInteger n = new AtomicInteger();
        BlockingQueue<Runnable> queue = properties.maxQueued() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(properties.maxQueued());
        return new ThreadPoolExecutor(properties.maxRunning(), properties.maxRunning(), 1, TimeUnit.MINUTES, queue, r -> {
            Thread t = new Thread(r, "restore-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    RestoreService restoreService(Catalog catalog, BlobStore store, RestoreProperties properties, ThreadPoolExecutor restorePool,
            MeterRegistry registry) {
        return new RestoreService(catalog, store, new RestoreTargets(properties.root(), properties.allowedTargetHosts()),
                new HttpRestorer(properties.connectTimeout(), properties.timeout()), restorePool, properties.retainedJobs(),
                Clock.systemUTC(), registry);
    }
}
