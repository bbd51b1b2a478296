package io.backupsuite.worker.download;

import io.backupsuite.worker.download.SourcePolicy.RefusedHostException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Opens the body of a source URL over the shared blocking HTTP client: follows redirects by hand
 * (each target re-checked against the allow-list, a few hops at most) and classifies what goes wrong
 * before the body. The client resolves hosts through the allow-list, so the connection only goes to
 * addresses that passed it.
 */
final class SourceClient implements AutoCloseable {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final CloseableHttpClient client;
    private final SourcePolicy policy;
    private final int maxRedirects;
    private final Duration readIdleTimeout;

    SourceClient(CloseableHttpClient client, SourcePolicy policy, int maxRedirects, Duration readIdleTimeout) {
        this.client = client;
        this.policy = policy;
        this.maxRedirects = maxRedirects;
        this.readIdleTimeout = readIdleTimeout;
    }

    /**
     * A 200 or 206 response whose body is still to be read. Close it; {@link #abort()} may be called
     * from any thread.
     *
     * @param validator the response's strong ETag, else its Last-Modified, else {@code null}
     * @param contentRange the Content-Range header of a 206, else {@code null}
     * @param contentDigest the RFC 9530 Content-Digest header (of these bytes), else {@code null}
     * @param reprDigest the RFC 9530 Repr-Digest header (of the whole file), else {@code null}
     */
    record Body(HttpGet request, CloseableHttpResponse response, InputStream stream, long declaredLength, int status,
            String validator, String contentRange, String contentDigest, String reprDigest) implements AutoCloseable {

        boolean partial() {
            return status == 206;
        }

        /** Drops the connection at once; a read blocked on it fails. */
        void abort() {
            request.cancel();
        }

        /** Keeps the connection for reuse if the body was read to its end, drops it otherwise. */
        @Override
        public void close() {
            try {
                response.close();
            } catch (IOException ignored) {
                // the connection is discarded either way
            }
        }
    }

    /** Opens {@code source} (already checked against the allow-list as {@code uri}). */
    Body open(URI uri, String source) throws DownloadException {
        return open(uri, source, 0, null);
    }

    /**
     * Opens {@code source} from byte {@code offset}: {@code Range: bytes=offset-}, with
     * {@code If-Range: validator} when there is one, so a changed file comes back whole (200).
     */
    Body open(URI uri, String source, long offset, String validator) throws DownloadException {
        return open(uri, source, offset, -1, validator);
    }

    /**
     * Opens bytes {@code offset..last} (inclusive; {@code last < 0}: to the end) of {@code source}, with
     * {@code If-Range: validator} when there is one; {@code offset 0, last < 0} asks for the whole file.
     */
    Body open(URI uri, String source, long offset, long last, String validator) throws DownloadException {
        boolean ranged = offset > 0 || last >= 0;
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpGet request = new HttpGet(current);
            if (ranged) {
                request.setHeader("Range", "bytes=" + offset + "-" + (last >= 0 ? String.valueOf(last) : ""));
                if (validator != null) {
                    request.setHeader("If-Range", validator);
                }
            }
            CloseableHttpResponse response = send(request, source);
            int status = response.getCode();
            if (status == 200 || (status == 206 && ranged)) {
                HttpEntity entity = response.getEntity();
                if (entity == null) {
                    discard(request, response);
                    throw DownloadException.status(source, "answered " + status + " without a body");
                }
                return new Body(request, response, content(entity, request, response, source), entity.getContentLength(),
                        status, validator(response), header(response, "Content-Range"), header(response, "Content-Digest"),
                        header(response, "Repr-Digest"));
            }
            discard(request, response);
            if (!REDIRECTS.contains(status)) {
                throw DownloadException.status(source, "answered HTTP " + status);
            }
            Header location = response.getFirstHeader("Location");
            if (location == null || hop >= maxRedirects) {
                throw DownloadException.status(source, "answered " + status + (location == null
                        ? " without a Location"
                        : " after " + hop + " redirects (limit " + maxRedirects + ")"));
            }
            current = policy.check(current.resolve(location.getValue()).toString());
        }
    }

    /** A strong ETag, else Last-Modified: what {@code If-Range} may quote (a weak ETag may not). */
    private static String validator(CloseableHttpResponse response) {
        String etag = header(response, "ETag");
        if (etag != null && !etag.startsWith("W/")) {
            return etag;
        }
        return header(response, "Last-Modified");
    }

    private static String header(CloseableHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    @SuppressWarnings("deprecation") // execute(request) hands back the open response, which is what streaming needs
    private CloseableHttpResponse send(HttpGet request, String source) throws DownloadException {
        try {
            return client.execute(request);
        } catch (RefusedHostException e) {
            throw DownloadException.notAllowed(source, e.getMessage() + " (at connect time)");
        } catch (UnknownHostException e) {
            throw DownloadException.unavailable(source, "host does not resolve", 0);
        } catch (ConnectTimeoutException e) {
            throw DownloadException.timeout(source, "could not connect in time", 0);
        } catch (InterruptedIOException e) {
            throw DownloadException.timeout(source, "no response within " + readIdleTimeout.toMillis() + " ms", 0);
        } catch (ConnectException e) {
            throw DownloadException.unavailable(source, "connection refused", 0);
        } catch (IOException e) {
            throw DownloadException.unavailable(source, describe(e), 0);
        }
    }

    private static InputStream content(HttpEntity entity, HttpGet request, CloseableHttpResponse response, String source)
            throws DownloadException {
        try {
            return entity.getContent();
        } catch (IOException e) {
            discard(request, response);
            throw DownloadException.unavailable(source, describe(e), 0);
        }
    }

    /** Drops an unwanted response without reading its body (closing alone would drain it). */
    private static void discard(HttpGet request, CloseableHttpResponse response) {
        request.cancel();
        try {
            response.close();
        } catch (IOException ignored) {
            // dropped either way
        }
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
