package io.backupsuite.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a local stack starts and how. Ports of 0 mean "any free port". Redis and Kafka take their
 * preferred port when it is free and any free port otherwise; the services insist on theirs.
 *
 * @param repoRoot repository root; the services' executable jars are found under it
 * @param dataDir where every part keeps its files and logs
 * @param clean wipe {@code dataDir} before starting
 * @param parts which parts to start (Redis and Kafka are skipped anyway when external ones are given)
 * @param workers number of workers
 * @param consolePort port of the management console
 * @param dispatcherPort port of the dispatcher
 * @param workerPorts ports of the workers; worker n takes the n-th, or any free port when the list is short
 * @param sourcePort port of the demo upload source
 * @param redisPort preferred port of the embedded Redis
 * @param kafkaPort preferred port of the embedded Kafka broker
 * @param kafkaPartitions partitions of topics the embedded broker creates
 * @param redisUrl external Redis to use instead of starting one
 * @param kafkaBootstrap external Kafka to use instead of starting one
 * @param uploadToken bearer token of the demo upload service
 * @param operator operator credentials
 * @param viewer viewer credentials
 * @param sourceThrottle bytes per second per response of the demo source; 0 for unthrottled
 * @param serviceHeap heap of each Spring Boot service ({@code -Xmx})
 * @param extraArgs more arguments per kind, appended to the command line (e.g. {@code --backup.dispatcher.lease=2s})
 * @param jvmArgs more JVM options per kind of Spring Boot service
 */
public record StackOptions(
        Path repoRoot,
        Path dataDir,
        boolean clean,
        Set<PartKind> parts,
        int workers,
        int consolePort,
        int dispatcherPort,
        List<Integer> workerPorts,
        int sourcePort,
        int redisPort,
        int kafkaPort,
        int kafkaPartitions,
        @Nullable String redisUrl,
        @Nullable String kafkaBootstrap,
        String uploadToken,
        Credentials operator,
        Credentials viewer,
        long sourceThrottle,
        String serviceHeap,
        Map<PartKind, List<String>> extraArgs,
        Map<PartKind, List<String>> jvmArgs) {

    public static final int CONSOLE_PORT = 8080;
    public static final int DISPATCHER_PORT = 8081;
    public static final List<Integer> WORKER_PORTS = List.of(8091, 8092, 8093);
    public static final int SOURCE_PORT = 8070;
    public static final int REDIS_PORT = 6379;
    public static final int KAFKA_PORT = 9092;
    public static final String UPLOAD_TOKEN = "local-upload-token";
    public static final Credentials OPERATOR = new Credentials("operator", "operator-local");
    public static final Credentials VIEWER = new Credentials("viewer", "viewer-local");

    public StackOptions {
        parts = parts.isEmpty() ? EnumSet.noneOf(PartKind.class) : EnumSet.copyOf(parts);
        workerPorts = List.copyOf(workerPorts);
        Map<PartKind, List<String>> extra = new EnumMap<>(PartKind.class);
        extraArgs.forEach((k, v) -> extra.put(k, List.copyOf(v)));
        extraArgs = Map.copyOf(extra);
        Map<PartKind, List<String>> jvm = new EnumMap<>(PartKind.class);
        jvmArgs.forEach((k, v) -> jvm.put(k, List.copyOf(v)));
        jvmArgs = Map.copyOf(jvm);
        if (workers < 0 || workers > 32) {
            throw new IllegalArgumentException("workers must be between 0 and 32");
        }
        if (uploadToken.isBlank()) {
            throw new IllegalArgumentException("the upload token must not be blank");
        }
    }

    /** The defaults of CONTRACT.md for a repository checked out at {@code repoRoot}. */
    public static Builder builder(Path repoRoot) {
        return new Builder(repoRoot);
    }

    public List<String> extraArgs(PartKind kind) {
        return extraArgs.getOrDefault(kind, List.of());
    }

    public List<String> jvmArgs(PartKind kind) {
        return jvmArgs.getOrDefault(kind, List.of());
    }

    /** Port of worker {@code n} (1-based); 0 when none was given. */
    public int workerPort(int n) {
        return n <= workerPorts.size() ? workerPorts.get(n - 1) : 0;
    }

    public boolean starts(PartKind kind) {
        return parts.contains(kind)
                && !(kind == PartKind.REDIS && redisUrl != null)
                && !(kind == PartKind.KAFKA && kafkaBootstrap != null);
    }

    /** Builds options; starts from the defaults. */
    public static final class Builder {
        private final Path repoRoot;
        private Path dataDir;
        private boolean clean;
        private Set<PartKind> parts = EnumSet.allOf(PartKind.class);
        private int workers = 3;
        private int consolePort = CONSOLE_PORT;
        private int dispatcherPort = DISPATCHER_PORT;
        private List<Integer> workerPorts = WORKER_PORTS;
        private int sourcePort = SOURCE_PORT;
        private int redisPort = REDIS_PORT;
        private int kafkaPort = KAFKA_PORT;
        private int kafkaPartitions = 6;
        private @Nullable String redisUrl;
        private @Nullable String kafkaBootstrap;
        private String uploadToken = UPLOAD_TOKEN;
        private Credentials operator = OPERATOR;
        private Credentials viewer = VIEWER;
        private long sourceThrottle;
        private String serviceHeap = "256m";
        private final Map<PartKind, List<String>> extraArgs = new EnumMap<>(PartKind.class);
        private final Map<PartKind, List<String>> jvmArgs = new EnumMap<>(PartKind.class);

        private Builder(Path repoRoot) {
            this.repoRoot = repoRoot.toAbsolutePath().normalize();
            this.dataDir = this.repoRoot.resolve(".local");
        }

        /** Every part on any free port, as tests on a shared machine need. */
        public Builder randomPorts() {
            consolePort = dispatcherPort = sourcePort = redisPort = kafkaPort = 0;
            workerPorts = List.of();
            return this;
        }

        public Builder dataDir(Path dir) { this.dataDir = dir.toAbsolutePath().normalize(); return this; }
        public Builder clean(boolean clean) { this.clean = clean; return this; }
        public Builder parts(Set<PartKind> parts) { this.parts = EnumSet.copyOf(parts); return this; }
        public Builder workers(int workers) { this.workers = workers; return this; }
        public Builder consolePort(int port) { this.consolePort = port; return this; }
        public Builder dispatcherPort(int port) { this.dispatcherPort = port; return this; }
        public Builder workerPorts(List<Integer> ports) { this.workerPorts = List.copyOf(ports); return this; }
        public Builder sourcePort(int port) { this.sourcePort = port; return this; }
        public Builder redisPort(int port) { this.redisPort = port; return this; }
        public Builder kafkaPort(int port) { this.kafkaPort = port; return this; }
        public Builder kafkaPartitions(int partitions) { this.kafkaPartitions = partitions; return this; }
        public Builder redisUrl(@Nullable String url) { this.redisUrl = url; return this; }
        public Builder kafkaBootstrap(@Nullable String bootstrap) { this.kafkaBootstrap = bootstrap; return this; }
        public Builder uploadToken(String token) { this.uploadToken = token; return this; }
        public Builder operator(Credentials operator) { this.operator = operator; return this; }
        public Builder viewer(Credentials viewer) { this.viewer = viewer; return this; }
        public Builder sourceThrottle(long bytesPerSecond) { this.sourceThrottle = bytesPerSecond; return this; }
        public Builder serviceHeap(String heap) { this.serviceHeap = heap; return this; }

        /** Appends arguments to every part of a kind, e.g. {@code extraArgs(DISPATCHER, "--backup.dispatcher.lease=2s")}. */
        public Builder extraArgs(PartKind kind, String... args) {
            extraArgs.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(List.of(args));
            return this;
        }

        /** Appends JVM options to every Spring Boot service of a kind. */
        public Builder jvmArgs(PartKind kind, String... args) {
            jvmArgs.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(List.of(args));
            return this;
        }

        public StackOptions build() {
            return new StackOptions(repoRoot, dataDir, clean, parts, workers, consolePort, dispatcherPort, workerPorts,
                    sourcePort, redisPort, kafkaPort, kafkaPartitions, redisUrl, kafkaBootstrap, uploadToken, operator,
                    viewer, sourceThrottle, serviceHeap, extraArgs, jvmArgs);
        }
    }
}
