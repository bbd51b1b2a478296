package io.backupsuite.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.backupsuite.catalog.net.ReplicationServer;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.replication.Transport;
import io.backupsuite.catalog.replication.WireFormat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * One member of a benchmark storage group: the catalog's {@link Replica} on loopback, over the workers'
 * replication socket protocol ({@link SocketTransport}, {@link ReplicationServer}) or, for comparison, over
 * HTTP/1.1 with the same binary messages (JDK HTTP server and client, no Spring). Run as its
 * own process ({@code main}) for standbys; the benchmark embeds the primary.
 */
final class CatalogNode implements AutoCloseable {

    static {
        // the workers' server (Tomcat) sends with TCP_NODELAY; the JDK server does not by default, and
        // its header and body writes then wait for the peer's delayed ACK (up to 40 ms per answer)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** How the members talk: the workers' socket protocol, or HTTP/1.1 (JDK client and server) for comparison. */
    enum Wire {
        SOCKET, HTTP
    }

    static final String TOKEN = "catalog-bench-node-token";

    final Replica replica;
    private final HttpServer server;
    private final ReplicationServer sockets;
    private final SocketTransport socketTransport;

    CatalogNode(String id, Map<String, Integer> ports, int quorum, Path dir, ReplicaListener listener, Wire wire) throws IOException {
        var config = new ReplicaConfig(id, List.copyOf(ports.keySet()), quorum, dir, Duration.ofSeconds(5), Duration.ofSeconds(1), 3,
                Duration.ofMillis(20), 2048, 4, 64L << 20, 200_000);
        if (wire == Wire.SOCKET) {
            Map<String, InetSocketAddress> others = new LinkedHashMap<>();
            ports.forEach((member, port) -> {
                if (!member.equals(id)) {
                    others.put(member, new InetSocketAddress("127.0.0.1", port));
                }
            });
            this.socketTransport = new SocketTransport(others, TOKEN, Duration.ofSeconds(2));
            this.replica = new Replica(config, socketTransport, StandbyHook.NONE, listener);
            this.sockets = new ReplicationServer(new InetSocketAddress("127.0.0.1", ports.get(id)), TOKEN, replica, Duration.ofSeconds(20));
            this.server = null;
            return;
        }
        this.sockets = null;
        this.socketTransport = null;
        this.replica = new Replica(config, new Client(ports), StandbyHook.NONE, listener);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", ports.get(id)), 256);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/append", ex -> serve(ex, b -> WireFormat.encode(replica.onAppendWaiting(WireFormat.appendRequest(b)).join())));
        server.createContext("/promise", ex -> serve(ex, b -> WireFormat.encode(replica.onPromise(WireFormat.promiseRequest(b)))));
        server.createContext("/fetch", ex -> serve(ex, b -> WireFormat.encode(replica.onFetch(WireFormat.fetchRequest(b)))));
        server.start();
    }

    private static void serve(HttpExchange exchange, Function<byte[], byte[]> handler) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer;
            int status = 200;
            try {
                answer = handler.apply(body);
            } catch (RuntimeException e) {
                status = 400;
                answer = String.valueOf(e.getMessage()).getBytes();
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    /** The replication messages over HTTP to the other members. */
    static final class Client implements Transport {
        private final Map<String, Integer> ports;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        /** Blocking sends on pooled threads, as the workers' HttpTransport does (why: see there). */
        private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replication-http");
            t.setDaemon(true);
            return t;
        });

        Client(Map<String, Integer> ports) {
            this.ports = Map.copyOf(ports);
        }

        private <T> CompletableFuture<T> post(String to, String path, byte[] body, Function<byte[], T> decode) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(to) + path))
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    throw new CompletionException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }, calls).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(to + " answered " + r.statusCode());
                }
                return decode.apply(r.body());
            });
        }

        @Override
        public CompletableFuture<AppendReply> append(String to, AppendRequest request) {
            return post(to, "/append", WireFormat.encode(request), WireFormat::appendReply);
        }

        @Override
        public CompletableFuture<PromiseReply> promise(String to, PromiseRequest request) {
            return post(to, "/promise", WireFormat.encode(request), WireFormat::promiseReply);
        }

        @Override
        public CompletableFuture<FetchReply> fetch(String to, FetchRequest request) {
            return post(to, "/fetch", WireFormat.encode(request), WireFormat::fetchReply);
        }

        @Override
        public CompletableFuture<Void> promote(String to, long epoch) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no handover in the benchmark"));
        }
    }

    /** {@code id=port,...} → ordered map. */
    static Map<String, Integer> ports(String spec) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String[] kv = pair.split("=");
            ports.put(kv[0], Integer.parseInt(kv[1]));
        }
        return ports;
    }

    static String spec(Map<String, Integer> ports) {
        List<String> pairs = new ArrayList<>();
        ports.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }

    /** A standby process: {@code --id w2 --members w1=9001,w2=9002,w3=9003 --dir D}. Prints READY, runs until killed. */
    public static void main(String[] args) throws Exception {
        String id = null;
        String members = null;
        Path dir = null;
        Wire wire = Wire.SOCKET;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--wire" -> wire = Wire.valueOf(args[i + 1]);
                case "--id" -> id = args[i + 1];
                case "--members" -> members = args[i + 1];
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CatalogNode node = new CatalogNode(id, ports(members), 1, dir, ReplicaListener.NONE, wire);
        System.out.println("READY " + id);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }));
        Thread.currentThread().join();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.stop(0);
        } else {
            sockets.close();
            socketTransport.close();
        }
        replica.close();
    }
}
