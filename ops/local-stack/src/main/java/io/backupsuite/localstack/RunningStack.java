package io.backupsuite.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A started local stack: a handle per part, the credentials it was started with, and
 * {@link #close()}, which stops every part it started (SIGTERM, then SIGKILL after a grace period).
 */
public final class RunningStack implements AutoCloseable {

    private final StackOptions options;
    private final String nodeToken;
    private final List<Part> parts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    RunningStack(StackOptions options, String nodeToken) {
        this.options = options;
        this.nodeToken = nodeToken;
    }

    /** Adds a part; once the stack is closing, stops the part instead and fails the start in progress. */
    void add(Part part) {
        synchronized (parts) {
            if (!closed.get()) {
                parts.add(part);
                return;
            }
        }
        stopQuietly(part);
        throw new IllegalStateException("the stack is being stopped");
    }

    /** Every part this stack started, in start order. */
    public List<Part> parts() {
        return List.copyOf(parts);
    }

    /** The embedded Redis; empty when an external Redis is used. */
    public Optional<Part> redis() {
        return find(PartKind.REDIS);
    }

    /** The embedded Kafka broker; empty when an external Kafka is used. */
    public Optional<Part> kafka() {
        return find(PartKind.KAFKA);
    }

    public Part console() {
        return required(PartKind.CONSOLE);
    }

    public Part dispatcher() {
        return required(PartKind.DISPATCHER);
    }

    public Part source() {
        return required(PartKind.SOURCE);
    }

    public List<Part> workers() {
        return parts.stream().filter(p -> p.kind() == PartKind.WORKER).toList();
    }

    /** Worker {@code n}, counting from 1 as the node ids do. */
    public Part worker(int n) {
        return workers().get(n - 1);
    }

    /** Redis URL the services use, embedded or external. */
    public String redisUrl() {
        return options.redisUrl() != null ? options.redisUrl() : required(PartKind.REDIS).url();
    }

    /** Kafka bootstrap servers the services use, embedded or external. */
    public String kafkaBootstrap() {
        return options.kafkaBootstrap() != null ? options.kafkaBootstrap() : required(PartKind.KAFKA).url();
    }

    public String uploadToken() {
        return options.uploadToken();
    }

    /** The random token nodes present to each other in this run. */
    public String nodeToken() {
        return nodeToken;
    }

    public Credentials operator() {
        return options.operator();
    }

    public Credentials viewer() {
        return options.viewer();
    }

    public Path dataDir() {
        return options.dataDir();
    }

    public StackOptions options() {
        return options;
    }

    /**
     * The line {@code ops/run-local} prints once every part is healthy: {@code READY} and space-separated
     * {@code key=value} pairs (CONTRACT.md). Parts that were not started are left out.
     */
    public String readyLine() {
        List<String> pairs = new ArrayList<>();
        pairs.add("READY");
        find(PartKind.CONSOLE).ifPresent(p -> pairs.add("console=" + p.url()));
        find(PartKind.DISPATCHER).ifPresent(p -> pairs.add("dispatcher=" + p.url()));
        if (!workers().isEmpty()) {
            pairs.add("workers=" + workers().stream().map(Part::url).collect(Collectors.joining(",")));
        }
        find(PartKind.SOURCE).ifPresent(p -> pairs.add("source=" + p.url()));
        pairs.add("token=" + uploadToken());
        pairs.add("operator=" + operator());
        pairs.add("viewer=" + viewer());
        if (options.parts().contains(PartKind.REDIS)) {
            pairs.add("redis=" + redisUrl());
        }
        if (options.parts().contains(PartKind.KAFKA)) {
            pairs.add("kafka=" + kafkaBootstrap());
        }
        return String.join(" ", pairs);
    }

    /** Stops every part, newest first; the workers together. Safe to call more than once. */
    @Override
    public void close() {
        List<Part> reversed;
        synchronized (parts) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            reversed = new ArrayList<>(parts);
        }
        Collections.reverse(reversed);
        List<Part> workers = reversed.stream().filter(p -> p.kind() == PartKind.WORKER).toList();
        for (Part part : reversed) {
            if (part.kind() == PartKind.WORKER) {
                if (part == workers.get(0)) {
                    Parallel.run(workers.stream().map(w -> (Runnable) () -> stopQuietly(w)).toList());
                }
            } else {
                stopQuietly(part);
            }
        }
    }

    private static void stopQuietly(Part part) {
        try {
            part.stop();
        } catch (RuntimeException e) {
            System.err.println("could not stop " + part.name() + ": " + e);
        }
    }

    private Optional<Part> find(PartKind kind) {
        return parts.stream().filter(p -> p.kind() == kind).findFirst();
    }

    private Part required(PartKind kind) {
        return find(kind).orElseThrow(() -> new IllegalStateException(kind.name().toLowerCase() + " is not part of this stack"));
    }
}
