package io.backupsuite.worker.download;

import io.backupsuite.worker.limits.TransferLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Fetches one chunk of a staged object from one replica: {@code Range: bytes=start-end} (with
 * {@code If-Range} once the source version is known), written at its offset in the staging, checked
 * against the response's RFC 9530 {@code Content-Digest} when the source sends one (and the object
 * against its {@code Repr-Digest}), then sealed with its CRC32C. When a connection breaks part-way
 * through a chunk whose source sends no Content-Digest, the bytes that arrived are kept as a partial
 * chunk and the next fetch of it asks only for the rest (its CRC continues from the staged bytes,
 * read back); with a Content-Digest the chunk is fetched whole again, so that it can be checked.
 * Runs on any thread.
 */
final class ChunkFetch {

    /** What came back for a chunk. */
    sealed interface Result {}

    /** The chunk is verified and sealed; this response brought its bytes {@code [from, to)} of the file. */
    record Sealed(long from, long to) implements Result {}

    /** The chunk's bytes did not match the source's Content-Digest; nothing was sealed. */
    record BadChunk(DownloadException failure) implements Result {}

    /** The source answered the whole file (200): it ignores ranges, or the file changed (If-Range missed). */
    record Whole(SourceClient.Body body) implements Result {}

    /** The source answered a range of another version (validator {@code validator}): the file changed. */
    record Changed(String validator) implements Result {}

    private final SourceClient client;
    private final SourcePolicy policy;
    private final DownloadMetrics metrics;
    private final TransferLimits limits;
    private final Duration readIdleTimeout;

    ChunkFetch(SourceClient client, SourcePolicy policy, DownloadMetrics metrics, TransferLimits limits, Duration readIdleTimeout) {
        this.client = client;
        this.policy = policy;
        this.metrics = metrics;
        this.limits = limits;
        this.readIdleTimeout = readIdleTimeout;
    }

    /**
     * Fetches chunk {@code index} of {@code staged} from {@code source} into {@code buffer}'s worth of
     * reads; {@code received} counts bytes as they arrive (and drops them again if the chunk fails).
     */
    Result fetch(String source, DownloadRequest request, StagedObject staged, int index, byte[] buffer, AtomicLong received)
            throws DownloadException {
        long start = index * staged.chunkSize();
        long length = Math.min(staged.chunkSize(), staged.size() - start);
        long prior = staged.partial(index);
        String validator = staged.validator();
        SourceClient.Body body = client.open(policy.check(source), source, start + prior, start + length - 1, validator);
        boolean handedOver = false;
        Result result = null;
        try {
            if (!body.partial()) {
                handedOver = true;
                return new Whole(body);
            }
            if (validator != null && body.validator() != null && !body.validator().equals(validator)) {
                return new Changed(body.validator());
            }
            String expectedRange = "bytes " + (start + prior) + "-" + (start + length - 1) + "/";
            String range = body.contentRange();
            if (range == null || !(range.equals(expectedRange + staged.size()) || range.equals(expectedRange + "*"))) {
                throw DownloadException.status(source, "answered range " + range + " to a request for " + expectedRange + staged.size());
            }
            byte[] whole = ContentDigest.sha256(body.reprDigest());
            if (whole != null && !HexFormat.of().formatHex(whole).equals(request.sha256())) {
                throw DownloadException.checksumMismatch(source, request.sha256(), HexFormat.of().formatHex(whole) + " (its Repr-Digest)", 0);
            }
            if (body.declaredLength() >= 0 && body.declaredLength() != length - prior) {
                throw DownloadException.sizeMismatch(source, request.size(), "Content-Length " + body.declaredLength() + " for chunk " + index, 0);
            }
            staged.adoptValidator(body.validator()); // before the first chunk of this version is sealed
            result = read(body, source, staged, index, start, prior, length, buffer, received);
            return result;
        } finally {
            if (!handedOver) {
                if (result == null) {
                    body.abort(); // never drain the rest of a body we do not want
                }
                body.close(); // read to its end: the connection goes back to the pool
            }
        }
    }

    private Result read(SourceClient.Body body, String source, StagedObject staged, int index, long start, long prior,
            long length, byte[] buffer, AtomicLong received) throws DownloadException {
        byte[] expected = ContentDigest.sha256(body.contentDigest());
        MessageDigest digest = expected == null ? null : Hashing.sha256(); // of this response's bytes only
        CRC32C crc = new CRC32C();
        long count = prior;
        InputStream in = body.stream();
        try {
            crcOfStaged(staged, start, prior, buffer, crc);
            while (true) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - count + 1));
                if (n < 0) {
                    break;
                }
                if (count + n > length) {
                    throw DownloadException.sizeMismatch(source, staged.size(), "more than " + length + " bytes for chunk " + index, count + n);
                }
                crc.update(buffer, 0, n);
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                staged.writeAt(start + count, buffer, 0, n);
                count += n;
                received.addAndGet(n);
                metrics.bytes(n);
                limits.throttle(n); // holding this connection back fills the socket: TCP slows the source
            }
            if (count != length) {
                throw DownloadException.unavailable(source, "chunk " + index + " ended after " + count + " of " + length + " bytes", count);
            }
            if (digest != null && !Arrays.equals(digest.digest(), expected)) {
                metrics.badChunk();
                return new BadChunk(DownloadException.checksumMismatch(
                        source, "Content-Digest " + body.contentDigest(), "chunk " + index + " of other content", count - prior));
            }
            staged.seal(index, (int) crc.getValue());
            metrics.chunkSealed(digest != null);
            return new Sealed(start + prior, start + length);
        } catch (SocketTimeoutException e) {
            keepPartial(staged, index, prior, count, digest, crc);
            throw DownloadException.timeout(
                    source, "sent nothing for " + readIdleTimeout.toMillis() + " ms after " + (start + count) + " bytes", count - prior);
        } catch (IOException e) {
            keepPartial(staged, index, prior, count, digest, crc);
            throw DownloadException.unavailable(
                    source, "connection broke after " + (start + count) + " bytes (" + SourceClient.describe(e) + ")", count - prior);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", count - prior);
        } finally {
            received.addAndGet(prior - count); // sealed bytes are counted by the staging from now on
        }
    }

    /** The CRC of a partial chunk starts from its staged bytes, read back (from the page cache, mostly). */
    private static void crcOfStaged(StagedObject staged, long start, long prior, byte[] buffer, CRC32C crc) throws IOException {
        long position = start;
        while (position < start + prior) {
            java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, start + prior - position));
            int n = staged.readAt(view, position);
            if (n <= 0) {
                throw new IOException("the partial chunk at " + start + " is shorter than recorded");
            }
            crc.update(buffer, 0, n);
            position += n;
        }
    }

    /** Keeps what arrived of a chunk whose connection broke, unless a Content-Digest must check the chunk whole. */
    private static void keepPartial(StagedObject staged, int index, long prior, long count, MessageDigest digest, CRC32C crc)
            throws DownloadException {
        if (digest == null && count > prior) {
            staged.recordPartial(index, count, (int) crc.getValue());
        }
    }
}
