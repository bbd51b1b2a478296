package io.backupsuite.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a failed system test prints so that a red run can be read without the stack's temporary directory: the
 * console's node table and role history, and each worker's role and replication log lines.
 */
final class StackDiagnostics {

    private static final Pattern ROLE_LINES = Pattern.compile("Replica |Promot|promot|RoleAgent|Console refused| WARN | ERROR ");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StackDiagnostics() {}

    static void print(RunningStack stack) {
        System.out.println("---- diagnostics of the stack in " + stack.dataDir());
        for (String path : List.of("/api/v1/nodes", "/api/v1/roles/history")) {
            System.out.println(path + ": " + get(stack, path));
        }
        for (Part worker : stack.workers()) {
            System.out.println("---- " + worker.name() + " (alive " + worker.isAlive() + "), " + worker.logFile());
            try {
                Files.readAllLines(worker.logFile(), StandardCharsets.UTF_8).stream()
                        .filter(line -> ROLE_LINES.matcher(line).find())
                        .limit(60)
                        .forEach(line -> System.out.println("  " + (line.length() > 300 ? line.substring(0, 300) : line)));
            } catch (IOException e) {
                System.out.println("  log unreadable: " + e);
            }
        }
    }

    private static String get(RunningStack stack, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(stack.console().url() + path))
                    .header("Authorization", stack.viewer().basicAuthorization()).timeout(Duration.ofSeconds(5)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(unreachable: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
