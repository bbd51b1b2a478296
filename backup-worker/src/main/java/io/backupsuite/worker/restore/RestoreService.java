package io.backupsuite.worker.restore;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.catalog.CatalogEntry;
import io.backupsuite.worker.store.BlobContent;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Accepts restore jobs, runs them on a small pool and keeps their status in memory (a restart
 * forgets them; an operator starts a lost one again). The bytes come from the blob file through a
 * {@link VerifyingStream}, so what reaches the target is the catalog's SHA-256 or nothing complete.
 */
final class RestoreService {

    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);

    private final Catalog catalog;
    private final BlobStore store;
    private final RestoreTargets targets;
    private final FileRestorer files = new FileRestorer();
    private final HttpRestorer http;
    private final ExecutorService pool;
    private final int retained;
    private final Clock clock;
    private final Map<String, RestoreJob> jobs = new LinkedHashMap<>();
    private final MeterRegistry registry;

    RestoreService(Catalog catalog, BlobStore store, RestoreTargets targets, HttpRestorer http, ExecutorService pool,
            int retained, Clock clock, MeterRegistry registry) {
        this.catalog = catalog;
        this.store = store;
        this.targets = targets;
        this.http = http;
        this.pool = pool;
        this.retained = retained;
        this.clock = clock;
        this.registry = registry;
    }

    RestoreView start(RestoreRequest request) {
        CatalogEntry entry = catalog.get(request.objectKey())
                .orElseThrow(() -> ApiException.notFound("object-not-found", "No backup of this object key."));
        if ((request.version() != null && request.version() != entry.version())
                || (request.sha256() != null && !request.sha256().equalsIgnoreCase(entry.sha256()))) {
            throw ApiException.notFound("version-not-found",
                    "This node holds version " + entry.version() + " of the key, with another content than asked for.");
        }
        if (!store.contains(entry.sha256())) {
            throw ApiException.unavailable("blob-not-held", "This node does not hold the content of the object; ask another node of the group.");
        }
        RestoreTarget target = request.targetUrl() != null
                ? targets.url(request.targetUrl())
                : targets.file(request.targetPath(), request.mayOverwrite());
        RestoreJob job = new RestoreJob(UUID.randomUUID().toString(), entry, target, clock.instant());
        synchronized (jobs) {
            jobs.put(job.id(), job);
            forgetOldest();
        }
        try {
            pool.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            synchronized (jobs) {
                jobs.remove(job.id());
            }
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "restores-busy", "Too many requests",
                    "Too many restores are running or waiting; try again later.", Map.of());
        }
        return job.view();
    }

    Optional<RestoreView> find(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id)).map(RestoreJob::view);
        }
    }

    private void run(RestoreJob job) {
        job.running();
        CatalogEntry entry = job.entry();
        Timer.Sample sample = Timer.start();
        String outcome = "succeeded";
        try {
            BlobContent blob = store.content(entry.sha256()).orElseThrow(() -> new IOException("the blob is no longer held here"));
            if (job.target() instanceof RestoreTarget.File file) {
                try (InputStream in = verified(blob, job)) {
                    files.write(file, in);
                }
            } else if (job.target() instanceof RestoreTarget.Url url) {
                http.put(url, () -> verified(blob, job), entry.size(), entry.sha256());
            }
            job.succeeded(clock.instant());
            log.info("Restored {} (version {}, {} bytes) to {}", entry.objectKey(), entry.version(), entry.size(), job.target().describe());
        } catch (IOException | RuntimeException e) {
            outcome = "failed";
            job.failed(describe(e), clock.instant());
            log.info("Restore {} of {} to {} failed: {}", job.id(), entry.objectKey(), job.target().describe(), describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "failed";
            job.failed("the worker is shutting down", clock.instant());
        } finally {
            sample.stop(Timer.builder("backup.worker.restore.duration").description("Time of restore jobs")
                    .tag("outcome", outcome).publishPercentileHistogram().register(registry));
            Counter.builder("backup.worker.restore.bytes").baseUnit("bytes").description("Bytes restored")
                    .register(registry).increment(outcome.equals("succeeded") ? entry.size() : 0);
        }
    }

    private static InputStream verified(BlobContent blob, RestoreJob job) {
        try {
            return new VerifyingStream(blob.open(), job.entry().sha256(), job.entry().size(), job::progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return api.getMessage();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private void forgetOldest() {
        Iterator<RestoreJob> oldest = jobs.values().iterator();
        while (jobs.size() > retained && oldest.hasNext()) {
            if (oldest.next().finished()) {
                oldest.remove();
            }
        }
    }
}
