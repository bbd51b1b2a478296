package io.backupsuite.catalog.net;

import io.backupsuite.catalog.replication.Replica;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's end of the replication socket protocol: accepts connections from the other members, demands the
 * node token as the first frame, and answers each connection's requests in the order they arrive on that
 * connection's own thread ({@link InboundConnection}).
 */
public final class ReplicationServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationServer.class);

    private final ServerSocket server;
    private final byte[] token;
    private final Replica replica;
    private final Duration takeOverTimeout;
    private final Set<InboundConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<Byte, ServiceHandler> services = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final Thread acceptor;
    /** Requests that may wait long (blobs to fetch, snapshot chunks) run here, off their connection's reader. */
    private final ExecutorService slowWork = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replication-slow");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    /**
     * @param bind where to listen (port 0: any free port, see {@link #port()})
     * @param token the node token a connecting member must present
     * @param takeOverTimeout how long a planned switchover's successor may take to accept writes
     */
    public ReplicationServer(InetSocketAddress bind, String token, Replica replica, Duration takeOverTimeout) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 64);
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.replica = replica;
        this.takeOverTimeout = takeOverTimeout;
        this.acceptor = new Thread(this::accept, "replication-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections turned away so far: wrong or missing token, or broken framing before the token. */
    public long refusedConnections() {
        return refused.get();
    }

    public int openConnections() {
        return connections.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                var connection = new InboundConnection(socket, this);
                connections.add(connection);
                if (closed) {
                    // close() ran between accept and add: this connection must not serve a closed replica
                    connection.close();
                    return;
                }
                Thread t = new Thread(connection, "replication-in-" + socket.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                if (!closed) {
                    log.warn("Replication listener on port {} failed: {}", port(), e.toString());
                }
                return;
            } catch (IOException e) {
                log.warn("Replication listener on port {}: accept failed: {}", port(), e.toString());
            }
        }
    }

    /** Answers requests of {@code type} (see {@link ServiceHandler#FIRST_TYPE}) with {@code handler}. */
    public void serve(byte type, ServiceHandler handler) {
        ServiceHandler.checkType(type);
        if (services.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("request type " + type + " is served already");
        }
    }

    /** The handler of an application request type, or {@code null}. */
    ServiceHandler service(byte type) {
        return services.get(type);
    }

    boolean admits(byte[] presented) {
        return MessageDigest.isEqual(token, presented);
    }

    void refused(InboundConnection connection, String why) {
        refused.incrementAndGet();
        log.warn("Replication connection from {} refused: {}", connection.remote(), why);
    }

    void ended(InboundConnection connection) {
        connections.remove(connection);
    }

    Replica replica() {
        return replica;
    }

    Duration takeOverTimeout() {
        return takeOverTimeout;
    }

    ExecutorService slowWork() {
        return slowWork;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        connections.forEach(InboundConnection::close);
        slowWork.shutdownNow();
    }
}
