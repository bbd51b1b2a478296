package io.backupsuite.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP upload source on 127.0.0.1 that misbehaves on cue. Each file is published under a
 * path with a {@link Behaviour}; the source counts the requests it receives and the body bytes it
 * sends. {@code OK} files honour {@code Range: bytes=N-} and {@code bytes=N-M} with a strong,
 * content-derived ETag (the same on every replica) and {@code If-Range}; with {@link #sendDigests}
 * they also carry RFC 9530 {@code Content-Digest} (of the bytes of the response, as the source
 * believes them to be) and {@code Repr-Digest} (of the whole file).
 */
public final class TestSource implements AutoCloseable {

    /** How the source answers a request for a file. */
    public enum Behaviour {
        /** 200 with the exact bytes. */
        OK,
        /** 404. */
        NOT_FOUND,
        /** 500. */
        SERVER_ERROR,
        /** Declares the full length, sends half, then drops the connection. */
        CUT_MID_BODY,
        /** Sends the bytes and then more (chunked, no length declared). */
        TOO_MANY_BYTES,
        /** Sends half of the bytes (chunked, no length declared) and ends cleanly. */
        TOO_FEW_BYTES,
        /** Same length, one byte changed. */
        WRONG_BYTES,
        /** Never sends the response headers. */
        STALL_HEADERS,
        /** Sends the headers and a few bytes, then nothing. */
        STALL_BODY,
        /** 302 to the same file under {@code /ok}. */
        REDIRECT_TO_OK,
        /** 302 to the same file under {@code /ok} on {@code localhost} (another host name). */
        REDIRECT_AWAY,
        /** Like {@code OK}, but the first responses that reach a given byte drop the connection there (see {@link #serveFlaky}). */
        FLAKY,
        /** Like {@code OK}, but one byte is flipped in whatever is sent (its digests still describe the true bytes). */
        CORRUPT,
        /** Ranges of one version, then of another, ignoring {@code If-Range} (see {@link #serveChanging}). */
        CHANGING,
        /** 200 with the exact bytes, ignoring {@code Range}. */
        NO_RANGES
    }

    private record Served(byte[] bytes, Behaviour behaviour, long dropAfter, AtomicInteger cuts, byte[] afterCuts) {

        Served(byte[] bytes, Behaviour behaviour) {
            this(bytes, behaviour, -1, new AtomicInteger(), null);
        }
    }

    private volatile boolean digests;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<String> pathsRequested = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesSent = new AtomicLong();
    private final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopping = new CountDownLatch(1);

    public TestSource() {
        this(0);
    }

    /** A source on a given port (0: any), e.g. to bring a stopped replica back where tasks expect it. */
    public TestSource(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Publishes bytes under a name and returns the URL a task lists. */
    public String serve(String name, byte[] bytes, Behaviour behaviour) {
        files.put("/" + behaviour.name().toLowerCase() + "/" + name, new Served(bytes, behaviour));
        if (behaviour == Behaviour.REDIRECT_TO_OK || behaviour == Behaviour.REDIRECT_AWAY) {
            files.put("/ok/" + name, new Served(bytes, Behaviour.OK));
        }
        return url("/" + behaviour.name().toLowerCase() + "/" + name);
    }

    /**
     * Publishes bytes under {@code /flaky/name} that are served with ranges, except that the first
     * {@code cuts} responses that reach byte {@code dropAfter} of the file drop the connection there
     * (a response from byte 0 sends {@code dropAfter} bytes); after the cuts, {@code afterCuts} (if not
     * null) replaces the content: a new version with a new ETag.
     */
    public String serveFlaky(String name, byte[] bytes, long dropAfter, int cuts, byte[] afterCuts) {
        files.put("/flaky/" + name, new Served(bytes, Behaviour.FLAKY, dropAfter, new AtomicInteger(cuts), afterCuts));
        return url("/flaky/" + name);
    }

    /**
     * Publishes bytes under {@code /corrupt/name} served like {@code OK} but with the byte at
     * {@code corruptAt} flipped (a replica whose disk rotted under its stored digests).
     */
    public String serveCorrupt(String name, byte[] bytes, long corruptAt) {
        files.put("/corrupt/" + name, new Served(bytes, Behaviour.CORRUPT, corruptAt, new AtomicInteger(), null));
        return url("/corrupt/" + name);
    }

    /**
     * Publishes {@code first} under {@code /changing/name} for the first {@code requests} requests,
     * then {@code then}, always with ranges and a content-derived ETag but ignoring {@code If-Range}:
     * a source that answers a range of a new version (206) to a resumed request.
     */
    public String serveChanging(String name, byte[] first, byte[] then, int requests) {
        files.put("/changing/" + name, new Served(first, Behaviour.CHANGING, -1, new AtomicInteger(requests), then));
        return url("/changing/" + name);
    }

    /** Whether responses carry RFC 9530 Content-Digest and Repr-Digest (sha-256) from now on. */
    public TestSource sendDigests(boolean send) {
        this.digests = send;
        return this;
    }

    /** Body bytes sent so far, over all requests. */
    public long bytesSent() {
        return bytesSent.get();
    }

    public static String etag(byte[] bytes) {
        return "\"" + sha256(bytes).substring(0, 16) + "\"";
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** Whether a file's path (as {@link #serve} published it) was asked for at least once. */
    public boolean wasRequested(String url) {
        return pathsRequested.contains(java.net.URI.create(url).getPath());
    }

    /** Distinct client connections seen (by remote address and port). */
    public int connections() {
        return clients.size();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        pathsRequested.add(exchange.getRequestURI().getPath());
        clients.add(exchange.getRemoteAddress());
        String path = exchange.getRequestURI().getPath();
        Served served = files.get(path);
        if (served == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        byte[] bytes = served.bytes();
        try (exchange) {
            switch (served.behaviour()) {
                case OK -> sendRange(exchange, bytes, -1, -1);
                case CORRUPT -> sendRange(exchange, bytes, -1, served.dropAfter());
                case CHANGING -> {
                    byte[] version = served.cuts().getAndDecrement() > 0 ? bytes : served.afterCuts();
                    sendRange(exchange, version, -1, -1, false);
                }
                case NO_RANGES -> send(exchange, 200, bytes, bytes.length);
                case FLAKY -> {
                    boolean cut = sendRange(exchange, bytes, served.cuts().get() > 0 ? served.dropAfter() : -1, -1);
                    if (cut && served.cuts().decrementAndGet() <= 0 && served.afterCuts() != null) {
                        files.put(path, new Served(served.afterCuts(), Behaviour.FLAKY));
                    }
                }
                case NOT_FOUND -> exchange.sendResponseHeaders(404, -1);
                case SERVER_ERROR -> send(exchange, 500, "boom".getBytes(), 4);
                case CUT_MID_BODY -> {
                    exchange.sendResponseHeaders(200, bytes.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(bytes, 0, bytes.length / 2);
                    out.flush();
                    // closing the exchange with bytes missing makes the server drop the connection
                }
                case TOO_MANY_BYTES -> {
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write(bytes);
                    exchange.getResponseBody().write(new byte[4096]);
                }
                case TOO_FEW_BYTES -> {
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
                }
                case WRONG_BYTES -> {
                    byte[] wrong = bytes.clone();
                    wrong[wrong.length / 2] ^= 0x5a;
                    send(exchange, 200, wrong, wrong.length);
                }
                case STALL_HEADERS -> awaitStop();
                case STALL_BODY -> {
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes, 0, Math.min(10, bytes.length));
                    exchange.getResponseBody().flush();
                    awaitStop();
                }
                case REDIRECT_TO_OK -> {
                    exchange.getResponseHeaders().add("Location", path.replaceFirst("^/redirect_to_ok/", "/ok/"));
                    exchange.sendResponseHeaders(302, -1);
                }
                case REDIRECT_AWAY -> {
                    String target = "http://localhost:" + port() + path.replaceFirst("^/redirect_away/", "/ok/");
                    exchange.getResponseHeaders().add("Location", target);
                    exchange.sendResponseHeaders(302, -1);
                }
            }
        }
    }

    private void send(HttpExchange exchange, int status, byte[] bytes, int length) throws IOException {
        exchange.sendResponseHeaders(status, length);
        exchange.getResponseBody().write(bytes, 0, length);
        bytesSent.addAndGet(length);
    }

    /**
     * 200, or 206 for {@code Range: bytes=N-} or {@code bytes=N-M} when {@code If-Range} is absent or
     * matches the ETag; with {@code dropAt >= 0} a response that reaches that byte of the file drops
     * the connection there (returns whether it did); with {@code corruptAt >= 0} that byte is flipped.
     */
    private boolean sendRange(HttpExchange exchange, byte[] bytes, long dropAt, long corruptAt) throws IOException {
        return sendRange(exchange, bytes, dropAt, corruptAt, true);
    }

    private boolean sendRange(HttpExchange exchange, byte[] bytes, long dropAt, long corruptAt, boolean honourIfRange)
            throws IOException {
        String etag = etag(bytes);
        exchange.getResponseHeaders().add("ETag", etag);
        exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
        String range = exchange.getRequestHeaders().getFirst("Range");
        String ifRange = honourIfRange ? exchange.getRequestHeaders().getFirst("If-Range") : null;
        int from = 0;
        int to = bytes.length; // exclusive
        int status = 200;
        var matcher = java.util.regex.Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range == null ? "" : range);
        if (matcher.matches() && (ifRange == null || ifRange.equals(etag))) {
            from = Integer.parseInt(matcher.group(1));
            to = matcher.group(2).isEmpty() ? bytes.length : (int) Math.min(bytes.length, Long.parseLong(matcher.group(2)) + 1);
            status = 206;
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + bytes.length);
        }
        int length = to - from;
        if (digests) {
            exchange.getResponseHeaders().add("Content-Digest", digestField(bytes, from, length));
            exchange.getResponseHeaders().add("Repr-Digest", digestField(bytes, 0, bytes.length));
        }
        boolean cut = dropAt >= from && dropAt < to;
        int sent = cut ? (int) (dropAt - from) : length;
        byte[] body = bytes;
        if (corruptAt >= from && corruptAt < to) {
            body = bytes.clone();
            body[(int) corruptAt] ^= 0x5a;
        }
        exchange.sendResponseHeaders(status, length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, from, sent);
        out.flush();
        bytesSent.addAndGet(sent);
        // closing the exchange with bytes missing makes the server drop the connection
        return cut;
    }

    private static String digestField(byte[] bytes, int from, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, from, length);
            return "sha-256=:" + java.util.Base64.getEncoder().encodeToString(digest.digest()) + ":";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitStop() {
        try {
            stopping.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
