package io.backupsuite.worker.download;

import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.limits.TransferLimits;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the HTTP downloader: one pooled blocking client (socket timeouts, no automatic redirects,
 * retries or decompression, DNS through the allow-list), the allow-list and the reader threads.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DownloadProperties.class)
class DownloadConfiguration {

    @Bean
    Downloader downloader(WorkerProperties properties, DownloadProperties download, BlobStore store, MeterRegistry registry,
            TransferLimits limits) {
        return create(properties, download, store, registry, InetAddress::getAllByName, limits);
    }

    /** Builds the downloader with chosen parallel-range settings, without transfer limits (tests, benchmarks). */
    static HttpDownloader create(WorkerProperties properties, DownloadProperties download, BlobStore store, MeterRegistry registry) {
        return create(properties, download, store, registry, InetAddress::getAllByName, TransferLimits.unlimited());
    }

    /** Builds the downloader outside Spring too (tests, benchmarks), without transfer limits. */
    static HttpDownloader create(WorkerProperties properties, BlobStore store, MeterRegistry registry) {
        return create(properties, store, registry, InetAddress::getAllByName);
    }

    static HttpDownloader create(
            WorkerProperties properties, BlobStore store, MeterRegistry registry, SourcePolicy.HostResolver resolver) {
        return create(properties, store, registry, resolver, TransferLimits.unlimited());
    }

    static HttpDownloader create(WorkerProperties properties, BlobStore store, MeterRegistry registry,
            SourcePolicy.HostResolver resolver, TransferLimits limits) {
        return create(properties, DownloadProperties.defaults(), store, registry, resolver, limits);
    }

    static HttpDownloader create(WorkerProperties properties, DownloadProperties download, BlobStore store,
            MeterRegistry registry, SourcePolicy.HostResolver resolver, TransferLimits limits) {
        SourcePolicy policy = new SourcePolicy(properties.allowedSourceHosts(), resolver);
        var settings = new HttpDownloader.Settings(
                properties.readIdleTimeout(), properties.maxObjectSize().toBytes(), (int) properties.bufferSize().toBytes(),
                properties.chunkSize().toBytes(), properties.triesPerSource(), download.parallelThreshold().toBytes(),
                download.parallelism());
        var client = new SourceClient(httpClient(properties, download, policy), policy, properties.maxRedirects(), properties.readIdleTimeout());
        // beside blobs/ on the same filesystem: the commit of a staged object is one rename
        var staging = new StagingArea(
                store.tempDirectory().resolveSibling("staging"), settings.chunkSize(), properties.stagingMaxAge(), Clock.systemUTC());
        var health = new ReplicaHealth(properties.sourceFailureMemory(), System::nanoTime);
        return new HttpDownloader(client, policy, store, staging, health, readers(), new DownloadMetrics(registry), settings, limits);
    }

    private static CloseableHttpClient httpClient(WorkerProperties properties, DownloadProperties download, SourcePolicy policy) {
        Timeout connect = Timeout.of(properties.connectTimeout());
        Timeout idle = Timeout.of(properties.readIdleTimeout());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDns(policy))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(idle) // every read of headers or body
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                // every running transfer may hold its connections to the same host
                .setMaxConnTotal(properties.concurrency() * download.parallelism())
                .setMaxConnPerRoute(properties.concurrency() * download.parallelism())
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(idle)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling() // followed by hand, each hop checked against the allow-list
                .disableAutomaticRetries() // the next source is the retry; the dispatcher's delay queue the next
                .disableContentCompression() // the SHA-256 is of the bytes as stored at the source
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    private static ExecutorService readers() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "download-reader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The client's DNS: only allow-listed hosts, only acceptable addresses (no rebinding after the check). */
    private record PolicyDns(SourcePolicy policy) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.addresses(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return host; // only used for Kerberos/SPNEGO, which sources never use
        }
    }
}
