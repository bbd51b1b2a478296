package io.backupsuite.worker.download;

import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The first {@link Downloader}: tries the sources in order, one pass each, streaming the body into a
 * {@link StagedBlob} that hashes as it writes, with the network read running ahead on a second
 * thread. Size is checked as bytes arrive (one byte too many aborts at once), SHA-256 at the end.
 * A source that sends nothing for the read timeout fails the socket read itself: no watchdog.
 */
final class HttpDownloader implements Downloader {

    /**
     * Buffers per transfer: one being written, one being filled, two to absorb jitter on either
     * side. More buys nothing measurable on loopback; memory is {@code BUFFERS × buffer-size}.
     */
    static final int BUFFERS = 4;

    private final SourceClient client;
    private final SourcePolicy policy;
    private final BlobStore store;
    private final ExecutorService readers;
    private final DownloadMetrics metrics;
    private final Settings settings;

    /** Limits of one transfer. */
    record Settings(Duration readIdleTimeout, long maxObjectSize, int bufferSize) {}

    HttpDownloader(
            SourceClient client,
            SourcePolicy policy,
            BlobStore store,
            ExecutorService readers,
            DownloadMetrics metrics,
            Settings settings) {
        this.client = client;
        this.policy = policy;
        this.store = store;
        this.readers = readers;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** Closes the connection pool and the reader threads; call it once no transfer runs. */
    @Override
    public void close() {
        readers.shutdownNow();
        try {
            client.close();
        } catch (IOException ignored) {
            // pooled connections are gone with the process anyway
        }
    }

    /** Whether every reader thread has ended (after {@link #close()}); for tests. */
    boolean awaitReaders(Duration timeout) throws InterruptedException {
        return readers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
        SourceClient.Body body = client.open(uri, source);
        if (body.declaredLength() >= 0 && body.declaredLength() != request.size()) {
            body.abort();
            body.close();
            throw DownloadException.sizeMismatch(source, request.size(), "Content-Length " + body.declaredLength(), 0);
        }
        return stream(body, source, request, progress);
    }

    /**
     * Moves the body into a staged blob: the reader thread of a {@link ReadAhead} fills buffers from
     * the network and hashes them while this thread writes them, in order. Whatever fails on either side,
     * the finally block stops the reader, drops the connection and deletes the temp file.
     */
    private StagedBlob stream(SourceClient.Body body, String source, DownloadRequest request, ProgressListener progress)
            throws DownloadException {
        StagedBlob blob = stage(body);
        long count = 0;
        boolean kept = false;
        ReadAhead readAhead = ReadAhead.start(
                body.stream(), request.size(), BUFFERS, settings.bufferSize(), (bytes, n) -> blob.hash(bytes, 0, n), body::abort, readers);
        try {
            progress.onProgress(0, source);
            ReadAhead.Chunk chunk;
            while ((chunk = readAhead.next()) != null) {
                if (count + chunk.length() > request.size()) {
                    throw DownloadException.sizeMismatch(
                            source, request.size(), "more than " + request.size() + " bytes", count + chunk.length());
                }
                blob.append(chunk.bytes(), 0, chunk.length()); // hashed by the reader already
                readAhead.release(chunk);
                count += chunk.length();
                metrics.bytes(chunk.length());
                progress.onProgress(count, source);
            }
            if (count != request.size()) {
                throw DownloadException.sizeMismatch(source, request.size(), count + " bytes", count);
            }
            if (!blob.sha256().equals(request.sha256())) {
                throw DownloadException.checksumMismatch(source, request.sha256(), blob.sha256(), count);
            }
            kept = true;
            return blob;
        } catch (SocketTimeoutException e) {
            throw DownloadException.timeout(
                    source, "sent nothing for " + settings.readIdleTimeout().toMillis() + " ms after " + count + " bytes", count);
        } catch (IOException e) {
            throw DownloadException.unavailable(
                    source, "connection broke after " + count + " bytes (" + SourceClient.describe(e) + ")", count);
        } catch (StorageException e) {
            throw DownloadException.of(ErrorKind.STORAGE, "cannot stage the object: " + e.getMessage(), count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", count);
        } catch (RuntimeException | DownloadException e) {
            throw e;
        } catch (Exception e) { // nothing else is thrown by the reader's hash hook; kept explicit
            throw DownloadException.of(ErrorKind.INTERNAL, "transfer failed: " + e, count);
        } finally {
            if (!kept) {
                body.abort(); // never drain the rest of a body we do not want
            }
            readAhead.close();
            body.close();
            if (!kept) {
                blob.close();
            }
        }
    }

    private StagedBlob stage(SourceClient.Body body) throws DownloadException {
        try {
            return store.stage();
        } catch (StorageException e) {
            body.abort();
            body.close();
            throw DownloadException.of(ErrorKind.STORAGE, e.getMessage(), 0);
        }
    }
}
