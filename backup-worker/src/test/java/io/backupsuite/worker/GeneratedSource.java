package io.backupsuite.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP source of one large file that exists only as a formula (a random 1 MiB block,
 * each copy XORed with its index), so gigabytes cost no disk and no heap. Serves GET and HEAD with a
 * strong ETag, {@code Range} (206 with {@code Content-Range}) and {@code If-Range}.
 */
final class GeneratedSource implements AutoCloseable {

    private static final int BLOCK = 1 << 20;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final byte[] block = new byte[BLOCK];
    private final long size;
    private final String etag;
    private final HttpServer server;

    GeneratedSource(long size, long seed) throws IOException {
        new Random(seed).nextBytes(block);
        this.size = size;
        this.etag = "\"gen-" + seed + "-" + size + "\"";
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "generated-source");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/big", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/big";
    }

    /** SHA-256 of the whole file, computed the way it is served. */
    String sha256() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[BLOCK];
        for (long offset = 0; offset < size; offset += BLOCK) {
            int n = (int) Math.min(BLOCK, size - offset);
            fill(buffer, offset, n);
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Bytes {@code [offset, offset+n)} of the file; {@code offset} need not be block-aligned. */
    private void fill(byte[] out, long offset, int n) {
        int i = 0;
        while (i < n) {
            long p = offset + i;
            int inBlock = (int) (p % BLOCK);
            int span = Math.min(n - i, BLOCK - inBlock);
            byte x = (byte) (p / BLOCK);
            for (int k = 0; k < span; k++) {
                out[i + k] = (byte) (block[inBlock + k] ^ x);
            }
            i += span;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long from = 0;
            long to = size - 1;
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
            if (range != null && (ifRange == null || ifRange.equals(etag))) {
                Matcher m = RANGE.matcher(range);
                if (m.matches() && Long.parseLong(m.group(1)) < size) {
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    status = 206;
                    exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
                }
            }
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            long length = to - from + 1;
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length);
            byte[] buffer = new byte[256 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long offset = from; offset <= to; ) {
                    int n = (int) Math.min(buffer.length, to + 1 - offset);
                    fill(buffer, offset, n);
                    out.write(buffer, 0, n);
                    offset += n;
                }
            } catch (IOException e) {
                // the client went away (an aborted range): nothing to clean up
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
