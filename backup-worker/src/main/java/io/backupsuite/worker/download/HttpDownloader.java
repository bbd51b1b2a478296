package io.backupsuite.worker.download;

import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The first {@link Downloader}: tries the sources in order, one pass each, streaming the body
 * through one fixed buffer into a {@link StagedBlob} that hashes as it writes. Size is checked as
 * bytes arrive (one byte too many aborts at once), SHA-256 at the end. Redirects are followed by
 * hand, a few hops at most and only to allow-listed hosts.
 */
final class HttpDownloader implements Downloader, AutoCloseable {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpClient client;
    private final SourcePolicy policy;
    private final BlobStore store;
    private final ScheduledExecutorService watchdogs;
    private final DownloadMetrics metrics;
    private final Settings settings;

    /** Limits of one transfer. */
    record Settings(Duration readIdleTimeout, long maxObjectSize, int maxRedirects, int bufferSize) {}

    HttpDownloader(
            HttpClient client,
            SourcePolicy policy,
            BlobStore store,
            ScheduledExecutorService watchdogs,
            DownloadMetrics metrics,
            Settings settings) {
        this.client = client;
        this.policy = policy;
        this.store = store;
        this.watchdogs = watchdogs;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** Stops the watchdog thread; running transfers end with their own timeouts. */
    @Override
    public void close() {
        watchdogs.shutdownNow();
    }

    @Override
    public StagedBlob download(DownloadRequest request, ProgressListener progress) throws DownloadException {
        long started = System.nanoTime();
        try {
            StagedBlob blob = downloadFromAny(request, progress);
            metrics.succeeded(System.nanoTime() - started);
            return blob;
        } catch (DownloadException e) {
            metrics.failed(e.kind(), System.nanoTime() - started);
            throw e;
        }
    }

    private StagedBlob downloadFromAny(DownloadRequest request, ProgressListener progress) throws DownloadException {
        if (request.size() > settings.maxObjectSize()) {
            throw DownloadException.tooLarge(request.size(), settings.maxObjectSize());
        }
        if (request.sources().isEmpty()) {
            throw DownloadException.notAllowed("(none)", "the task lists no source");
        }
        List<DownloadException> failures = new ArrayList<>();
        for (String source : request.sources()) {
            try {
                return fetch(policy.check(source), source, request, progress);
            } catch (DownloadException e) {
                failures.add(e);
            }
        }
        throw summarise(failures);
    }

    /** The last failure that got past the allow-list decides the kind; the message names every source. */
    private static DownloadException summarise(List<DownloadException> failures) {
        if (failures.size() == 1) {
            return failures.get(0);
        }
        DownloadException decisive = failures.stream()
                .filter(f -> f.kind() != ErrorKind.SOURCE_NOT_ALLOWED)
                .reduce((a, b) -> b)
                .orElse(failures.get(failures.size() - 1));
        StringBuilder message = new StringBuilder("all " + failures.size() + " sources failed");
        for (DownloadException f : failures) {
            message.append("; ").append(f.getMessage());
        }
        long bytes = failures.stream().mapToLong(DownloadException::bytes).sum();
        return DownloadException.of(decisive.kind(), message.toString(), bytes);
    }

    private StagedBlob fetch(URI uri, String source, DownloadRequest request, ProgressListener progress)
            throws DownloadException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = send(current, source);
            int status = response.statusCode();
            if (REDIRECTS.contains(status)) {
                closeQuietly(response.body());
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null || hop >= settings.maxRedirects()) {
                    throw DownloadException.status(source, "answered " + status + (location == null
                            ? " without a Location"
                            : " after " + hop + " redirects (limit " + settings.maxRedirects() + ")"));
                }
                current = policy.check(current.resolve(location).toString());
                continue;
            }
            if (status != 200) {
                closeQuietly(response.body());
                throw DownloadException.status(source, "answered HTTP " + status);
            }
            OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent() && declared.getAsLong() != request.size()) {
                closeQuietly(response.body());
                throw DownloadException.sizeMismatch(source, request.size(), "Content-Length " + declared.getAsLong(), 0);
            }
            return stream(response.body(), source, request, progress);
        }
    }

    private HttpResponse<InputStream> send(URI uri, String source) throws DownloadException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(settings.readIdleTimeout()) // until the response headers arrive
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw DownloadException.timeout(source, "could not connect in time", 0);
        } catch (HttpTimeoutException e) {
            throw DownloadException.timeout(source, "no response within " + settings.readIdleTimeout().toMillis() + " ms", 0);
        } catch (ConnectException e) {
            throw DownloadException.unavailable(source, "connection refused", 0);
        } catch (IOException e) {
            throw DownloadException.unavailable(source, describe(e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", 0);
        }
    }

    private StagedBlob stream(InputStream body, String source, DownloadRequest request, ProgressListener progress)
            throws DownloadException {
        StagedBlob blob = stage(body);
        byte[] buffer = new byte[settings.bufferSize()];
        long count = 0;
        boolean kept = false;
        IdleWatchdog watchdog = new IdleWatchdog(watchdogs, settings.readIdleTimeout().toMillis(), body);
        try (body) {
            progress.onProgress(0, source);
            int n;
            while ((n = body.read(buffer)) >= 0) {
                watchdog.touch();
                if (count + n > request.size()) {
                    throw DownloadException.sizeMismatch(source, request.size(), "more than " + request.size() + " bytes", count + n);
                }
                blob.write(buffer, 0, n);
                count += n;
                metrics.bytes(n);
                progress.onProgress(count, source);
            }
            watchdog.finish();
            if (count != request.size()) {
                throw DownloadException.sizeMismatch(source, request.size(), count + " bytes", count);
            }
            if (!blob.sha256().equals(request.sha256())) {
                throw DownloadException.checksumMismatch(source, request.sha256(), blob.sha256(), count);
            }
            kept = true;
            return blob;
        } catch (IOException e) {
            watchdog.finish();
            if (watchdog.fired()) {
                throw DownloadException.timeout(
                        source, "sent nothing for " + settings.readIdleTimeout().toMillis() + " ms after " + count + " bytes", count);
            }
            throw DownloadException.unavailable(source, "connection broke after " + count + " bytes (" + describe(e) + ")", count);
        } catch (StorageException e) {
            watchdog.finish();
            if (watchdog.fired()) { // the watchdog's interrupt may land in a file write
                throw DownloadException.timeout(source, "sent nothing for " + settings.readIdleTimeout().toMillis() + " ms", count);
            }
            throw DownloadException.of(ErrorKind.STORAGE, "cannot stage the object: " + e.getMessage(), count);
        } finally {
            watchdog.finish();
            if (!kept) {
                blob.close();
            }
        }
    }

    private StagedBlob stage(InputStream body) throws DownloadException {
        try {
            return store.stage();
        } catch (StorageException e) {
            closeQuietly(body);
            throw DownloadException.of(ErrorKind.STORAGE, e.getMessage(), 0);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // the response is abandoned either way
        }
    }
}
