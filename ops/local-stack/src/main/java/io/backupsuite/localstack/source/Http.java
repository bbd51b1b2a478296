package io.backupsuite.localstack.source;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Small answers of the demo source. */
final class Http {

    private Http() {}

    static void send(HttpExchange exchange, int status, String text) throws IOException {
        write(exchange, status, "text/plain; charset=utf-8", text + "\n");
    }

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        write(exchange, status, "application/json", json);
    }

    private static void write(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
