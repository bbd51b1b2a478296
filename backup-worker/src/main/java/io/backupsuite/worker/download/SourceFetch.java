package io.backupsuite.worker.download;

import io.backupsuite.worker.limits.TransferLimits;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * One transfer from one source into the staging: from the last verified chunk with
 * {@code Range}/{@code If-Range}, or from byte 0 (then recording the source's validator), with the
 * network read running ahead on a reader thread that also hashes.
 */
final class SourceFetch {

    /**
     * Buffers per transfer: one being written, one being filled, two to absorb jitter on either
     * side. More buys nothing measurable on loopback; memory is {@code BUFFERS × buffer-size}.
     */
    static final int BUFFERS = 4;

    private final SourceClient client;
    private final SourcePolicy policy;
    private final ExecutorService readers;
    private final DownloadMetrics metrics;
    private final int bufferSize;
    private final Duration readIdleTimeout;
    private final TransferLimits limits;

    SourceFetch(SourceClient client, SourcePolicy policy, ExecutorService readers, DownloadMetrics metrics, int bufferSize,
            Duration readIdleTimeout, TransferLimits limits) {
        this.limits = limits;
        this.client = client;
        this.policy = policy;
        this.readers = readers;
        this.metrics = metrics;
        this.bufferSize = bufferSize;
        this.readIdleTimeout = readIdleTimeout;
    }

    /**
     * Fetches the rest of the object from one source: from the last verified chunk with
     * {@code Range}/{@code If-Range}, or from byte 0 (then recording the source's validator). A whole
     * file where a range was asked for means the file changed (or the source ignores ranges): the
     * staged chunks are discarded and the whole file is taken instead; two versions are never spliced.
     */
    void fetch(String source, DownloadRequest request, StagedObject staged, Hashing hashing, Failover failover,
            ProgressListener progress) throws DownloadException {
        long offset = staged.verified();
        String validator = staged.validator();
        SourceClient.Body body = client.open(policy.check(source), source, offset, validator);
        if (offset > 0 && !body.partial()) {
            failover.note(source + " answered the whole file to a range request from byte " + offset
                    + (validator == null ? " (it ignores ranges)" : " (If-Range " + validator + ": the file changed, or the source ignores ranges)")
                    + ", restarted from byte 0");
            metrics.restart();
            offset = 0;
        } else if (offset > 0 && (body.validator() != null && validator != null && !body.validator().equals(validator))) {
            discard(body);
            failover.note(source + " sent a range of another version (validator " + body.validator() + " instead of "
                    + validator + "), restarted from byte 0");
            metrics.restart();
            staged.reset(null);
            hashing.restart(0, Hashing.sha256());
            fetch(source, request, staged, hashing, failover, progress); // from byte 0 now: no further recursion
            return;
        } else if (offset > 0 && !fits(body.contentRange(), offset, request.size())) {
            discard(body);
            throw DownloadException.status(source, "answered range " + body.contentRange() + " to a request from byte " + offset);
        }
        if (offset == 0) {
            staged.reset(body.validator()); // a new version starts: whatever was staged is not part of it
            hashing.restart(0, Hashing.sha256());
        }
        long expected = request.size() - offset;
        if (body.declaredLength() >= 0 && body.declaredLength() != expected) {
            discard(body);
            throw DownloadException.sizeMismatch(source, request.size(), "Content-Length " + body.declaredLength() + " from byte " + offset, 0);
        }
        stream(body, source, offset, request, staged, hashing, failover, progress);
    }

    /**
     * Takes a whole-file body (200) that a source answered to a range request: the staging starts
     * over with that version and the body is streamed from byte 0.
     */
    void fetchWhole(SourceClient.Body body, String source, DownloadRequest request, StagedObject staged, Hashing hashing,
            Failover failover, ProgressListener progress) throws DownloadException {
        staged.reset(body.validator());
        hashing.restart(0, Hashing.sha256());
        if (body.declaredLength() >= 0 && body.declaredLength() != request.size()) {
            discard(body);
            throw DownloadException.sizeMismatch(source, request.size(), "Content-Length " + body.declaredLength(), 0);
        }
        stream(body, source, 0, request, staged, hashing, failover, progress);
    }

    /** Whether a Content-Range ({@code bytes start-end/total}) is exactly the rest of the object from {@code offset}. */
    static boolean fits(String contentRange, long offset, long size) {
        String expected = "bytes " + offset + "-" + (size - 1) + "/";
        return contentRange != null
                && contentRange.startsWith(expected)
                && (contentRange.endsWith("/" + size) || contentRange.endsWith("/*"))
                && contentRange.length() == expected.length() + (contentRange.endsWith("/*") ? 1 : String.valueOf(size).length());
    }

    private static void discard(SourceClient.Body body) {
        body.abort();
        body.close();
    }

    /**
     * Moves the body into the staging: the reader thread of a {@link ReadAhead} fills buffers from
     * the network and hashes them while this thread writes them, in order, sealing chunks as they
     * complete. Whatever fails on either side, the finally block stops the reader and drops the
     * connection; the caller rewinds the staging to its last verified chunk.
     */
    private void stream(SourceClient.Body body, String source, long offset, DownloadRequest request, StagedObject staged,
            Hashing hashing, Failover failover, ProgressListener progress) throws DownloadException {
        long expected = request.size() - offset;
        long count = 0;
        boolean complete = false;
        // a small object gets small buffers: allocating (and zeroing) megabytes per 4 KiB file
        // dominated the worker's CPU and filled its heap with garbage
        int buffer = (int) Math.min(bufferSize, Math.max(8192, expected + 1));
        // a body that fits one buffer is read on this thread: a hand-over to a reader costs more than it saves
        ReadAhead readAhead = ReadAhead.start(body.stream(), expected, BUFFERS, buffer, hashing::update, body::abort,
                expected < buffer ? Runnable::run : readers);
        try {
            progress.onProgress(offset, source);
            ReadAhead.Chunk chunk;
            while ((chunk = readAhead.next()) != null) {
                if (count + chunk.length() > expected) {
                    throw DownloadException.sizeMismatch(
                            source, request.size(), "more than " + request.size() + " bytes", count + chunk.length());
                }
                int sealed = staged.verifiedChunks();
                staged.append(chunk.bytes(), 0, chunk.length()); // hashed by the reader already
                if (staged.verifiedChunks() != sealed) {
                    hashing.forgetBefore(staged.verified());
                }
                readAhead.release(chunk);
                limits.throttle(chunk.length()); // holding this thread back fills the ring, then the socket: TCP slows the source
                count += chunk.length();
                metrics.bytes(chunk.length());
                progress.onProgress(offset + count, source);
            }
            if (count != expected) {
                throw DownloadException.sizeMismatch(source, request.size(), (offset + count) + " bytes", count);
            }
            complete = true;
        } catch (SocketTimeoutException e) {
            throw DownloadException.timeout(
                    source, "sent nothing for " + readIdleTimeout.toMillis() + " ms after " + (offset + count) + " bytes", count);
        } catch (IOException e) {
            throw DownloadException.unavailable(
                    source, "connection broke after " + (offset + count) + " bytes (" + SourceClient.describe(e) + ")", count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", count);
        } catch (RuntimeException | DownloadException e) {
            throw e;
        } catch (Exception e) { // nothing else is thrown by the reader's hash hook; kept explicit
            throw DownloadException.of(ErrorKind.INTERNAL, "transfer failed: " + e, count);
        } finally {
            failover.served(source, offset, offset + count);
            if (!complete) {
                body.abort(); // never drain the rest of a body we do not want
            }
            readAhead.close();
            body.close();
        }
    }
}
