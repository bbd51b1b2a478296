package io.backupsuite.catalog.net;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.WireFormat;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's connection to this one. The first frame must be {@link Frame#HELLO} with the node token, within
 * five seconds; then requests are handled in arrival order on this thread. An append is fsynced on this thread
 * unless more requests are already waiting (then they join the same fsync). An append with blobs to fetch first,
 * and a snapshot chunk, are handled on the server's slow-work threads, so that nothing behind them waits. A malformed request gets an
 * {@link Frame#ERROR} answer and touches nothing; broken framing ends the connection.
 */
final class InboundConnection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(InboundConnection.class);
    private static final int HANDSHAKE_MILLIS = 5_000;

    private final Socket socket;
    private final ReplicationServer server;
    private final Replica replica;
    private DataOutputStream out;

    InboundConnection(Socket socket, ReplicationServer server) {
        this.socket = socket;
        this.server = server;
        this.replica = server.replica();
    }

    String remote() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(HANDSHAKE_MILLIS);
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
            if (!handshake(in)) {
                return;
            }
            socket.setSoTimeout(0);
            while (true) {
                handle(Frame.readFrom(in), in.available() > 0);
            }
        } catch (EOFException e) {
            log.debug("Replication connection from {} closed by the peer", remote());
        } catch (IOException e) {
            log.info("Replication connection from {} ended: {}", remote(), e.getMessage());
        } finally {
            server.ended(this);
        }
    }

    private boolean handshake(DataInputStream in) throws IOException {
        Frame hello;
        try {
            hello = Frame.readFrom(in);
        } catch (IOException e) {
            server.refused(this, "no valid greeting (" + e.getMessage() + ")");
            return false;
        }
        if (hello.type() != Frame.HELLO || !server.admits(hello.body())) {
            server.refused(this, hello.type() != Frame.HELLO ? "first frame is not a greeting" : "wrong node token");
            send(Frame.error(hello.id(), "node token refused"));
            return false;
        }
        send(new Frame(Frame.REPLY, hello.id(), new byte[0]));
        return true;
    }

    private void handle(Frame request, boolean moreWaiting) {
        try {
            switch (request.type()) {
                case Frame.APPEND -> {
                    // fsync here unless more requests wait to join it; blobs to fetch first go to the slow-work threads
                    var append = WireFormat.appendRequest(request.body());
                    answerLater(request.id(), replica.onAppend(append, !moreWaiting, server.slowWork()), WireFormat::encode);
                }
                case Frame.PROMISE -> answer(request.id(), WireFormat.encode(replica.onPromise(WireFormat.promiseRequest(request.body()))));
                case Frame.FETCH -> answer(request.id(), WireFormat.encode(replica.onFetch(WireFormat.fetchRequest(request.body()))));
                case Frame.SNAPSHOT -> {
                    var chunk = WireFormat.snapshotChunk(request.body());
                    // a chunk may name blobs to fetch: not on the reader
                    answerLater(request.id(), CompletableFuture.supplyAsync(() -> replica.onInstallSnapshot(chunk), server.slowWork()),
                            WireFormat::encode);
                }
                case Frame.TAKE_OVER -> takeOver(request);
                default -> serve(request);
            }
        } catch (RuntimeException e) {
            // a malformed body (IllegalArgumentException from the decoder) or a refusal of the replica
            send(Frame.error(request.id(), e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** An application's request type: handled off the reader, answered when its future completes. */
    private void serve(Frame request) {
        ServiceHandler handler = server.service(request.type());
        if (handler == null) {
            send(Frame.error(request.id(), "unknown request type " + request.type()));
            return;
        }
        CompletableFuture<byte[]> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> handler.handle(request.body()), server.slowWork()).thenCompose(f -> f);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e); // shutting down
        }
        answerLater(request.id(), answer, body -> body);
    }

    private void takeOver(Frame request) {
        if (request.body().length != Long.BYTES) {
            throw new IllegalArgumentException("a take-over is one 8-byte epoch, not " + request.body().length + " bytes");
        }
        long epoch = ByteBuffer.wrap(request.body()).getLong();
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch " + epoch + " is not positive");
        }
        long millis = server.takeOverTimeout().toMillis();
        answerLater(request.id(), replica.promote(epoch).orTimeout(millis, TimeUnit.MILLISECONDS), status -> new byte[0]);
    }

    private <T> void answerLater(long id, CompletableFuture<T> result, Function<T, byte[]> encode) {
        result.whenComplete((value, error) -> {
            if (error == null) {
                answer(id, encode.apply(value));
            } else {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                send(Frame.error(id, cause.getClass().getSimpleName() + ": " + cause.getMessage()));
            }
        });
    }

    private void answer(long id, byte[] body) {
        send(new Frame(Frame.REPLY, id, body));
    }

    private void send(Frame frame) {
        try {
            synchronized (out) {
                frame.writeTo(out);
                out.flush();
            }
        } catch (IOException e) {
            close(); // the reader sees the closed socket and ends
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
