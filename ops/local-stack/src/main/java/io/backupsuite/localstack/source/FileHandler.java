package io.backupsuite.localstack.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * {@code GET/HEAD /files/<name>}: serves a file of the folder with the validators and range support
 * a resuming downloader needs. Names are a plain character set, never a path. With {@code ?digest=1}
 * a GET carries the RFC 9530 {@code Content-Digest} (sha-256) of the bytes it sends, as the file holds
 * them (so {@code corrupt=1} is caught per range), and a whole-file answer its {@code Repr-Digest}.
 */
final class FileHandler implements HttpHandler {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    private static final int CHUNK = 64 * 1024;

    private final Path dir;
    private final long defaultThrottle;

    FileHandler(Path dir, long defaultThrottle) {
        this.dir = dir;
        this.defaultThrottle = defaultThrottle;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                Http.send(exchange, 405, "method not allowed");
                return;
            }
            String name = exchange.getRequestURI().getPath().substring("/files/".length());
            Path file = dir.resolve(name);
            if (!NAME.matcher(name).matches() || !Files.isRegularFile(file)) {
                Http.send(exchange, 404, "no such file");
                return;
            }
            Faults faults = Faults.parse(exchange.getRequestURI().getRawQuery());
            if (method.equals("GET") && faults.failsNow(exchange.getRequestURI().toString())) {
                Http.send(exchange, 500, "failing on cue (failFirst)");
                return;
            }
            serve(exchange, file, method.equals("HEAD"), faults.corrupt());
        }
    }

    private void serve(HttpExchange exchange, Path file, boolean head, boolean corrupt) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attributes.size();
        long micros = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(micros) + "\"";
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/octet-stream");
        headers.set("ETag", etag);
        headers.set("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                attributes.lastModifiedTime().toInstant().atOffset(ZoneOffset.UTC)));
        headers.set("Accept-Ranges", "bytes");

        // If-Range: resume only if the file is still the one the client started with
        String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
        String rangeHeader = ifRange == null || ifRange.equals(etag) ? exchange.getRequestHeaders().getFirst("Range") : null;
        ByteRange.Answer answer = ByteRange.parse(rangeHeader, size);
        if (answer instanceof ByteRange.Unsatisfiable) {
            headers.set("Content-Range", "bytes */" + size);
            Http.send(exchange, 416, "range not satisfiable");
            return;
        }
        ByteRange range = answer instanceof ByteRange.Partial p ? p.range() : new ByteRange(0, size - 1);
        int status = 200;
        if (answer instanceof ByteRange.Partial) {
            headers.set("Content-Range", range.contentRange(size));
            status = 206;
        }
        long length = range.length();
        if (head) {
            headers.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        if (wantsDigest(exchange)) {
            String digest = "sha-256=:" + Base64.getEncoder().encodeToString(sha256(file, range.first(), length)) + ":";
            headers.set("Content-Digest", digest);
            if (status == 200) {
                headers.set("Repr-Digest", digest);
            }
        }
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
            in.skipNBytes(range.first());
            copy(corrupt ? new CorruptingStream(in, length / 2) : in, out, length, throttle(exchange));
        }
    }

    private static boolean wantsDigest(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        return query != null && List.of(query.split("&")).contains("digest=1");
    }

    /** The SHA-256 of {@code length} bytes of the file from {@code first}: read once more before sending. */
    private static byte[] sha256(Path file, long first, long length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(first);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[CHUNK];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("file shrank while being hashed");
                }
                sha.update(buf, 0, n);
                left -= n;
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private long throttle(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("throttle=")) {
                    try {
                        return Math.max(0, Long.parseLong(pair.substring("throttle=".length())));
                    } catch (NumberFormatException e) {
                        return defaultThrottle;
                    }
                }
            }
        }
        return defaultThrottle;
    }

    /** Copies {@code length} bytes; with a throttle, no faster than {@code bytesPerSecond}. */
    private static void copy(InputStream in, OutputStream out, long length, long bytesPerSecond) throws IOException {
        byte[] buf = new byte[bytesPerSecond > 0 ? (int) Math.max(1, Math.min(CHUNK, bytesPerSecond / 20)) : CHUNK];
        long start = System.nanoTime();
        long sent = 0;
        while (sent < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - sent));
            if (n < 0) {
                throw new IOException("file shrank while being sent");
            }
            out.write(buf, 0, n);
            sent += n;
            if (bytesPerSecond > 0) {
                out.flush();
                // pacing is the point of a throttle: wait until this many bytes are due
                long due = start + sent * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    /** Flips every bit of the byte at one offset of the body: wrong content with the right length. */
    private static final class CorruptingStream extends java.io.FilterInputStream {
        private long position;
        private final long target;

        CorruptingStream(InputStream in, long target) {
            super(in);
            this.target = target;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && position++ == target) {
                b = (~b) & 0xff;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && target >= position && target < position + n) {
                int i = off + (int) (target - position);
                buf[i] = (byte) ~buf[i];
            }
            position += Math.max(n, 0);
            return n;
        }
    }
}
