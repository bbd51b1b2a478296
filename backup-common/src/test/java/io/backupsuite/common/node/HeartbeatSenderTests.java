package io.backupsuite.common.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.backupsuite.common.wire.NodeStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The heartbeat against a real HTTP server standing in for the console. */
class HeartbeatSenderTests {

    private HttpServer console;
    private final CountDownLatch received = new CountDownLatch(3);
    private final AtomicInteger authorised = new AtomicInteger();

    @BeforeEach
    void startConsole() throws Exception {
        console = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        console.createContext("/api/v1/nodes/heartbeat", exchange -> {
            if ("Bearer node-secret".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                authorised.incrementAndGet();
            }
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            received.countDown();
        });
        console.start();
    }

    @AfterEach
    void stopConsole() {
        console.stop(0);
    }

    @Test
    void keepsBeatingAfterTheStatusCouldNotBeReadOnce() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        NodeStatusSource flaky = () -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("replica busy"); // a failure of one beat, not of the node
            }
            return new NodeStatus("w1", "worker", "g1", "http://127.0.0.1:1", "STANDBY", 1, 2, 2, "UP", 0, System.currentTimeMillis());
        };
        URI url = URI.create("http://127.0.0.1:" + console.getAddress().getPort());
        HeartbeatSender sender = new HeartbeatSender(url, "node-secret", Duration.ofMillis(20), flaky);

        sender.start();
        try {
            assertThat(received.await(10, TimeUnit.SECONDS)).as("beats after the failed one").isTrue();
        } finally {
            sender.stop();
        }
        assertThat(reads.get()).isGreaterThanOrEqualTo(4);
        assertThat(authorised.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void reportsAnUnreachableConsoleAsMinusOne() {
        int port = console.getAddress().getPort();
        console.stop(0);
        HeartbeatSender sender = new HeartbeatSender(URI.create("http://127.0.0.1:" + port), "node-secret",
                Duration.ofSeconds(1), () -> new NodeStatus("d1", "dispatcher", null, "http://127.0.0.1:1", null, 0, 0, 0, "UP", 0, 0));

        assertThat(sender.sendOnce()).isEqualTo(-1);
    }
}
