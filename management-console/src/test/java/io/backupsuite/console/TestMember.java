package io.backupsuite.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The node side of the console's calls, over real HTTP on loopback: records what a storage-group member
 * receives on {@code /internal/v1/roles} and on the primary's replication endpoints, and answers them.
 * Stands in for a worker in the console's own tests; the workers' real endpoints are tested in their module
 * and end to end in the local-stack system tests.
 */
public final class TestMember implements AutoCloseable {

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch handoverGate = new CountDownLatch(0);
    private volatile int handoverStatus = 200;
    private volatile String handoverAnswer = "{\"writePauseMs\":37}";

    public TestMember() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    /** Handovers wait until {@link #releaseHandovers()}; until then a switchover is running. */
    public void holdHandovers() {
        handoverGate = new CountDownLatch(1);
    }

    public void releaseHandovers() {
        handoverGate.countDown();
    }

    /** The body of the answer to a handover (by default one that reports a write pause of 37 ms). */
    public void answerHandoversWith(String json) {
        handoverAnswer = json;
    }

    public void failHandovers(int status) {
        handoverStatus = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        calls.add(new Call(path, exchange.getRequestHeaders().getFirst("Authorization"), TestApi.JSON.readTree(body)));
        int status = 200;
        String reply = "{}";
        if (path.equals("/internal/v1/replication/handover")) {
            reply = handoverAnswer;
            try {
                handoverGate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = handoverStatus;
        }
        byte[] answer = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        releaseHandovers();
        server.stop(0);
    }

    /** One request the member received. */
    public record Call(String path, String authorization, JsonNode body) {}
}
