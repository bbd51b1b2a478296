package io.backupsuite.localstack;

import io.backupsuite.common.security.Secrets;
import io.backupsuite.infra.KafkaBroker;
import io.backupsuite.infra.ManagedProcess;
import io.backupsuite.infra.Ports;
import io.backupsuite.infra.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts the whole suite on this machine, each part an OS process of its own, in dependency order:
 * Redis and Kafka, the console, the dispatcher, the workers, the demo source. Each start waits for
 * the part's health check. If any part fails, whatever was started is stopped again.
 */
public final class LocalStack {

    static final Duration SERVICE_START_TIMEOUT = Duration.ofMinutes(3);

    private LocalStack() {}

    public static RunningStack start(StackOptions options) {
        return start(options, line -> {});
    }

    /** Starts the stack, reporting each started part to {@code progress}. */
    public static RunningStack start(StackOptions options, Consumer<String> progress) {
        return start(prepare(options), progress);
    }

    /** Checks the options and prepares the data directory; nothing runs yet. */
    static RunningStack prepare(StackOptions options) {
        prepareDataDir(options);
        checkJars(options);
        PortPlan.checkRequested(options);
        String nodeToken = Secrets.newToken();
        writeNodeToken(options.dataDir().resolve("node-token"), nodeToken);
        return new RunningStack(options, nodeToken);
    }

    /** The run's node token, readable by the owner only, for operators' node-level calls (promote, handover). */
    private static void writeNodeToken(Path file, String token) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n");
        } catch (IOException | UnsupportedOperationException e) {
            // only a convenience for operators; the stack runs without it
        }
    }

    /** Starts the parts of a prepared stack; closing the stack meanwhile stops what started and fails this. */
    static RunningStack start(RunningStack stack, Consumer<String> progress) {
        StackOptions options = stack.options();
        try {
            startInfrastructure(stack, options, progress);
            PortPlan ports = PortPlan.choose(options);
            ServiceCommands commands =
                    new ServiceCommands(options, stack.nodeToken(), stack.redisUrl(), stack.kafkaBootstrap());
            String consoleUrl = httpUrl(ports.console());
            if (options.starts(PartKind.CONSOLE)) {
                launch(stack, service(PartKind.CONSOLE, "console", ports.console(), commands.console(ports.console(), httpUrl(ports.dispatcher())), options), progress);
            }
            if (options.starts(PartKind.DISPATCHER)) {
                List<String> command = commands.dispatcher(ports.dispatcher(), consoleUrl);
                launch(stack, service(PartKind.DISPATCHER, "dispatcher", ports.dispatcher(), command, options), progress);
            }
            if (options.starts(PartKind.WORKER)) {
                List<Part> workers = new ArrayList<>();
                for (int n = 1; n <= options.workers(); n++) {
                    int port = ports.workers().get(n - 1);
                    workers.add(service(PartKind.WORKER, "worker-" + n, port, commands.worker(n, port, consoleUrl, ports.workers(), ports.replication()), options));
                }
                workers.forEach(stack::add); // added first, so a failed start still stops its siblings
                Parallel.run(workers.stream().map(w -> (Runnable) () -> started(w, progress)).toList());
            }
            if (options.starts(PartKind.SOURCE)) {
                launch(stack, source(options, ports.source()), progress);
            }
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    static String httpUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static void startInfrastructure(RunningStack stack, StackOptions options, Consumer<String> progress) {
        List<Runnable> starts = new ArrayList<>();
        if (options.starts(PartKind.REDIS)) {
            starts.add(() -> {
                RedisServer redis = RedisServer.start(PortPlan.infra(options.redisPort()), options.dataDir().resolve("redis"), "always");
                Part part = new Part(PartKind.REDIS, "redis", redis.port(), redis.url(), redis.process(), redis::restart);
                stack.add(part);
                progress.accept(part.toString());
            });
        } else if (options.redisUrl() != null) {
            InetSocketAddress address = Probes.redisAddress(options.redisUrl());
            starts.add(() -> Probes.awaitReachable("Redis", address.getHostString(), address.getPort(), Duration.ofSeconds(30)));
        }
        if (options.starts(PartKind.KAFKA)) {
            starts.add(() -> {
                KafkaBroker kafka = KafkaBroker.start(PortPlan.infra(options.kafkaPort()), options.dataDir().resolve("kafka"), options.kafkaPartitions());
                int port = kafka.port();
                Runnable restart = () -> kafka.process().start(() -> Ports.isListening(port), Duration.ofMinutes(2));
                Part part = new Part(PartKind.KAFKA, "kafka", port, kafka.bootstrapServers(), kafka.process(), restart);
                stack.add(part);
                progress.accept(part.toString());
            });
        } else if (options.kafkaBootstrap() != null) {
            InetSocketAddress address = Probes.kafkaAddress(options.kafkaBootstrap());
            starts.add(() -> Probes.awaitReachable("Kafka", address.getHostString(), address.getPort(), Duration.ofSeconds(30)));
        }
        Parallel.run(starts);
    }

    private static Part service(PartKind kind, String name, int port, List<String> command, StackOptions options) {
        String url = httpUrl(port);
        ManagedProcess process = new ManagedProcess(name, command, logs(options).resolve(name + ".log"));
        Runnable starter = () -> process.start(() -> Probes.answers200(url + "/actuator/health"), SERVICE_START_TIMEOUT);
        return new Part(kind, name, port, url, process, starter);
    }

    private static Part source(StackOptions options, int port) {
        String url = httpUrl(port);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "io.backupsuite.localstack.source.DemoSource",
                "--port", Integer.toString(port),
                "--dir", options.dataDir().resolve("source-files").toString(),
                "--throttle", Long.toString(options.sourceThrottle())));
        command.addAll(options.extraArgs(PartKind.SOURCE));
        ManagedProcess process = new ManagedProcess("source", command, logs(options).resolve("source.log"));
        Runnable starter = () -> process.start(() -> Probes.answers200(url + "/health"), Duration.ofSeconds(60));
        return new Part(PartKind.SOURCE, "source", port, url, process, starter);
    }

    /** Adds the part before starting it, so that a failed start is cleaned up with the rest. */
    private static void launch(RunningStack stack, Part part, Consumer<String> progress) {
        stack.add(part);
        started(part, progress);
    }

    private static Part started(Part part, Consumer<String> progress) {
        long begin = System.nanoTime();
        part.start();
        progress.accept(part + String.format(" healthy after %.1f s", (System.nanoTime() - begin) / 1e9));
        return part;
    }

    private static Path logs(StackOptions options) {
        return options.dataDir().resolve("logs");
    }

    private static void prepareDataDir(StackOptions options) {
        Path dir = options.dataDir();
        try {
            if (options.clean() && Files.exists(dir)) {
                if (dir.getNameCount() < 2 || dir.equals(options.repoRoot()) || dir.equals(Path.of(System.getProperty("user.home")))) {
                    throw new IllegalArgumentException("refusing to wipe " + dir);
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + dir, e);
        }
    }

    private static void checkJars(StackOptions options) {
        record Needed(PartKind kind, String module) {}
        for (Needed n : List.of(
                new Needed(PartKind.CONSOLE, "management-console"),
                new Needed(PartKind.DISPATCHER, "backup-dispatcher"),
                new Needed(PartKind.WORKER, "backup-worker"))) {
            Path jar = ServiceCommands.execJar(options.repoRoot(), n.module());
            if (options.starts(n.kind()) && !Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing; build it with ./mvnw -B -DskipTests install");
            }
        }
    }
}
