package io.backupsuite.catalog.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated connection to a group member. Requests are written on the caller's thread (no hand-off);
 * one reader thread completes them as their answers arrive, in any order. When the connection breaks, every
 * request still waiting fails and the connection is not used again.
 */
final class PeerConnection implements AutoCloseable {

    /** Times the requests of every connection; a request answered in time cancels its timer. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final String peer;
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private volatile IOException broken;
    /** When the last frame from the member arrived: a connection silent past a request's timeout is given up. */
    private volatile long lastHeardNanos = System.nanoTime();

    private PeerConnection(String peer, Socket socket) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
    }

    private static ScheduledThreadPoolExecutor timer() {
        var timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "replication-timeouts");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Connects and presents the node token; fails unless the member accepts it within {@code handshake}. */
    static PeerConnection open(String peer, InetSocketAddress address, String token, Duration handshake) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(address, (int) handshake.toMillis());
            socket.setSoTimeout((int) handshake.toMillis());
            PeerConnection connection = new PeerConnection(peer, socket);
            new Frame(Frame.HELLO, 0, token.getBytes(StandardCharsets.UTF_8)).writeTo(connection.out);
            connection.out.flush();
            Frame answer = Frame.readFrom(connection.in);
            if (answer.type() != Frame.REPLY) {
                throw new IOException(peer + " refused the connection: " + answer.text());
            }
            socket.setSoTimeout(0);
            Thread reader = new Thread(connection::readAnswers, "replication-out-" + peer);
            reader.setDaemon(true);
            reader.start();
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    boolean usable() {
        return broken == null;
    }

    /** Sends a request; the future completes with the answer's body, or fails on refusal, timeout or a broken connection. */
    CompletableFuture<byte[]> call(byte type, byte[] body, Duration within) {
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        long sent = System.nanoTime();
        ScheduledFuture<?> timer = TIMER.schedule(() -> expire(id, sent, within), within.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((x, e) -> timer.cancel(false));
        IOException failed = broken;
        if (failed == null) {
            try {
                synchronized (out) {
                    new Frame(type, id, body).writeTo(out);
                    out.flush();
                }
            } catch (IOException e) {
                failed = e;
                fail(e);
            }
        }
        if (failed != null) {
            waiting.remove(id);
            answer.completeExceptionally(new IOException("connection to " + peer + " is broken: " + failed.getMessage(), failed));
        }
        return answer;
    }

    /**
     * A request's time is up. When nothing at all came back since it left, the member or the path to it is gone
     * (a dead host's connection can look open for many minutes): the connection is given up before the request
     * fails, so that the caller's next request already opens a new one.
     */
    private void expire(long id, long sent, Duration within) {
        CompletableFuture<byte[]> answer = waiting.remove(id);
        if (answer == null) {
            return;
        }
        if (lastHeardNanos - sent < 0) {
            fail(new IOException("no answer from " + peer + " within " + within.toMillis() + " ms"));
        }
        answer.completeExceptionally(new TimeoutException(peer + " did not answer within " + within.toMillis() + " ms"));
    }

    private void readAnswers() {
        try {
            while (true) {
                Frame frame = Frame.readFrom(in);
                lastHeardNanos = System.nanoTime();
                CompletableFuture<byte[]> answer = waiting.remove(frame.id());
                if (answer == null) {
                    continue; // timed out meanwhile
                }
                if (frame.type() == Frame.REPLY) {
                    answer.complete(frame.body());
                } else {
                    answer.completeExceptionally(new IllegalStateException(peer + " refused the request: " + frame.text()));
                }
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException cause) {
        if (broken == null) {
            broken = cause;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing
        }
        IOException failure = new IOException("connection to " + peer + " broke: " + cause.getMessage(), cause);
        waiting.values().forEach(f -> f.completeExceptionally(failure));
        waiting.clear();
    }

    @Override
    public void close() {
        fail(new IOException("closed"));
    }
}
