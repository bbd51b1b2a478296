package io.backupsuite.catalog.net;

import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.replication.Messages.SnapshotChunk;
import io.backupsuite.catalog.replication.Transport;
import io.backupsuite.catalog.replication.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The replication protocol over one long-lived TCP connection per member ({@link Frame}s carrying
 * {@link WireFormat} messages, the node token presented once per connection). A request is written on the
 * caller's thread and its answer completed by the connection's reader thread: a commit crosses two threads per
 * member instead of the six or more of an HTTP client and server, which on a 2-core machine is most of a
 * commit's latency. Connections open in the background; a broken one fails its requests and is replaced on
 * the next request.
 */
public final class SocketTransport implements Transport, AutoCloseable {

    private final Map<String, Peer> peers = new HashMap<>();
    private final Duration timeout;
    private final ExecutorService connector = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replication-connect");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param addresses every other member's replication address
     * @param token the node token every member demands
     * @param timeout how long one request may wait for its answer (a take-over gets four times as long)
     */
    public SocketTransport(Map<String, InetSocketAddress> addresses, String token, Duration timeout) {
        this.timeout = timeout;
        addresses.forEach((id, address) -> peers.put(id, new Peer(id, address, token, Duration.ofSeconds(2))));
    }

    @Override
    public CompletableFuture<AppendReply> append(String to, AppendRequest request) {
        return call(to, Frame.APPEND, WireFormat.encode(request), WireFormat::appendReply, timeout);
    }

    @Override
    public CompletableFuture<AppendReply> append(String to, AppendRequest request, Duration within) {
        return call(to, Frame.APPEND, WireFormat.encode(request), WireFormat::appendReply, within.compareTo(timeout) > 0 ? within : timeout);
    }

    @Override
    public CompletableFuture<PromiseReply> promise(String to, PromiseRequest request) {
        return call(to, Frame.PROMISE, WireFormat.encode(request), WireFormat::promiseReply, timeout);
    }

    @Override
    public CompletableFuture<FetchReply> fetch(String to, FetchRequest request) {
        return call(to, Frame.FETCH, WireFormat.encode(request), WireFormat::fetchReply, timeout);
    }

    @Override
    public CompletableFuture<AppendReply> installSnapshot(String to, SnapshotChunk chunk) {
        return call(to, Frame.SNAPSHOT, WireFormat.encode(chunk), WireFormat::appendReply, timeout);
    }

    /** Promises, and perhaps another member's log, take longer than one protocol message. */
    @Override
    public CompletableFuture<Void> promote(String to, long epoch) {
        byte[] body = ByteBuffer.allocate(Long.BYTES).putLong(epoch).array();
        return call(to, Frame.TAKE_OVER, body, answer -> null, timeout.multipliedBy(4));
    }

    /**
     * Sends an application request (a type served by the member's {@link ReplicationServer#serve}) over the
     * member's connection. Completes with the answer's body; fails with an {@link IllegalStateException} when
     * the member refused it, otherwise with the connection's failure or a timeout.
     */
    public CompletableFuture<byte[]> request(String to, byte type, byte[] body, Duration within) {
        ServiceHandler.checkType(type);
        return call(to, type, body, answer -> answer, within);
    }

    private <T> CompletableFuture<T> call(String to, byte type, byte[] body, Function<byte[], T> decode, Duration within) {
        Peer peer = peers.get(to);
        if (peer == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown group member " + to));
        }
        return peer.connection().thenCompose(c -> c.call(type, body, within)).thenApply(decode);
    }

    @Override
    public void close() {
        peers.values().forEach(Peer::close);
        connector.shutdownNow();
    }

    /** A member and its current connection (open, opening, or none). */
    private final class Peer {
        private final String id;
        private final InetSocketAddress address;
        private final String token;
        private final Duration handshake;
        private CompletableFuture<PeerConnection> current;

        Peer(String id, InetSocketAddress address, String token, Duration handshake) {
            this.id = id;
            this.address = address;
            this.token = token;
            this.handshake = handshake;
        }

        synchronized CompletableFuture<PeerConnection> connection() {
            boolean stale = current == null || current.isCompletedExceptionally() || (current.isDone() && !current.join().usable());
            if (stale) {
                current = CompletableFuture.supplyAsync(() -> {
                    try {
                        return PeerConnection.open(id, address, token, handshake);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot connect to " + id + " at " + address + ": " + e.getMessage(), e);
                    }
                }, connector);
            }
            return current;
        }

        synchronized void close() {
            if (current != null) {
                current.thenAccept(PeerConnection::close);
            }
        }
    }
}
