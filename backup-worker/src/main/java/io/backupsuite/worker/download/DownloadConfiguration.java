package io.backupsuite.worker.download;

import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the HTTP downloader: one shared client (no automatic redirects), the allow-list and the idle watchdog. */
@Configuration(proxyBeanMethods = false)
class DownloadConfiguration {

    @Bean
    Downloader downloader(WorkerProperties properties, BlobStore store, MeterRegistry registry) {
        return create(properties, store, registry);
    }

    /** Builds the downloader outside Spring too (tests). */
    static HttpDownloader create(WorkerProperties properties, BlobStore store, MeterRegistry registry) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        SourcePolicy policy = new SourcePolicy(properties.allowedSourceHosts(), InetAddress::getAllByName);
        var settings = new HttpDownloader.Settings(
                properties.readIdleTimeout(),
                properties.maxObjectSize().toBytes(),
                properties.maxRedirects(),
                (int) properties.bufferSize().toBytes());
        var watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-watchdog");
            t.setDaemon(true);
            return t;
        });
        return new HttpDownloader(client, policy, store, watchdog, new DownloadMetrics(registry), settings);
    }
}
