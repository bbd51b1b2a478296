package io.backupsuite.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Readiness checks: an HTTP endpoint answering 200, a TCP port accepting connections. */
final class Probes {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Probes() {}

    static boolean answers200(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code host:port} accepts connections; for external servers we did not start. */
    static void awaitReachable(String what, String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepts(host, port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " at " + host + ":" + port + " is not reachable");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Host and port of a Redis URL ({@code redis://[user:pw@]host[:port][/db]}). */
    static InetSocketAddress redisAddress(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))) {
            throw new IllegalArgumentException("not a Redis URL: " + url);
        }
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    /** Host and port of the first server of a Kafka bootstrap list ({@code host:port,host:port}). */
    static InetSocketAddress kafkaAddress(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a Kafka bootstrap list (host:port,...): " + bootstrap);
        }
        return InetSocketAddress.createUnresolved(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }
}
