package io.backupsuite.localstack.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The demo upload source: an HTTP server that serves the files of a folder, as an upload service's
 * replica would, and generates random files on request.
 *
 * <ul>
 *   <li>{@code GET/HEAD /files/<name>} with {@code ETag}, {@code Last-Modified}, single-range requests;
 *       {@code ?throttle=<bytes/s>} slows one response down; {@code ?digest=1} adds RFC 9530 {@code Content-Digest}
 *       (sha-256) to every response, ranges included
 *   <li>{@code POST /admin/generate?count=N&size=BYTES&prefix=P} → {@code [{"name","url","size","sha256"}, ...]}
 *   <li>{@code GET /health}
 * </ul>
 */
public final class DemoSource implements AutoCloseable {

    static {
        // like the web servers of real upload services, answer with TCP_NODELAY: the JDK server's default
        // (Nagle on) holds a response's body until the client acknowledges its headers, and a client on a
        // kept-alive connection delays that acknowledgement by up to 40 ms, which made every small file cost
        // ~40 ms to fetch (the property is read once, when the first JDK HTTP server of the JVM is made)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final FileGenerator generator;
    private final String baseUrl;

    private DemoSource(HttpServer server, ExecutorService threads, Path dir) {
        this.server = server;
        this.threads = threads;
        this.generator = new FileGenerator(dir);
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Starts a source on loopback; port 0 for any free port; throttle 0 for full speed. */
    public static DemoSource start(int port, Path dir, long throttle, int threadCount) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            ExecutorService threads = Executors.newFixedThreadPool(threadCount);
            server.setExecutor(threads);
            DemoSource source = new DemoSource(server, threads, dir);
            server.createContext("/files/", new FileHandler(dir, throttle));
            server.createContext("/admin/generate", source::generate);
            server.createContext("/health", exchange -> {
                try (exchange) {
                    Http.json(exchange, 200, "{\"status\":\"UP\"}");
                }
            });
            server.start();
            return source;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void generate(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                Http.send(exchange, 405, "use POST");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int count;
            long size;
            try {
                count = Integer.parseInt(query.getOrDefault("count", "1"));
                size = Long.parseLong(query.getOrDefault("size", "4096"));
            } catch (NumberFormatException e) {
                Http.send(exchange, 400, "count and size must be numbers");
                return;
            }
            String prefix = query.getOrDefault("prefix", "demo-" + UUID.randomUUID().toString().substring(0, 8));
            if (count < 1 || count > FileGenerator.MAX_COUNT || size < 0 || size > FileGenerator.MAX_SIZE
                    || !FileHandler.NAME.matcher(prefix).matches() || prefix.length() > 150) {
                Http.send(exchange, 400, "need 1 <= count <= " + FileGenerator.MAX_COUNT + ", 0 <= size <= "
                        + FileGenerator.MAX_SIZE + " and a prefix of letters, digits, '.', '_' and '-'");
                return;
            }
            List<FileGenerator.Generated> files = generator.generate(count, size, prefix);
            Http.json(exchange, 200, files.stream()
                    .map(f -> "{\"name\":\"" + f.name() + "\",\"url\":\"" + baseUrl + "/files/" + f.name()
                            + "\",\"size\":" + f.size() + ",\"sha256\":\"" + f.sha256() + "\"}")
                    .collect(Collectors.joining(",", "[", "]")));
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** {@code DemoSource --port N --dir DIR [--throttle BYTES_PER_S] [--threads N]} */
    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of("--port", "8070", "--dir", "source-files", "--throttle", "0", "--threads", "64"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                System.err.println("usage: DemoSource --port N --dir DIR [--throttle BYTES_PER_S] [--threads N]");
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        Path dir = Path.of(options.get("--dir"));
        DemoSource source = start(Integer.parseInt(options.get("--port")), dir,
                Long.parseLong(options.get("--throttle")), Integer.parseInt(options.get("--threads")));
        Runtime.getRuntime().addShutdownHook(new Thread(source::close));
        System.out.println("demo source on " + source.baseUrl() + " serving " + dir.toAbsolutePath());
    }
}
