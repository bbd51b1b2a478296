package io.backupsuite.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses the command line of {@code ops/run-local} into {@link StackOptions}. */
final class StackArgs {

    static final String HELP = """
            Usage: ops/run-local [options]

            Runs the backup suite locally, each part its own process: Redis, a Kafka broker (KRaft),
            management-console, backup-dispatcher, the workers and a demo upload source. Prints one line
            starting with READY once every part is healthy and runs until Ctrl-C or SIGTERM, which stop
            every part it started. Logs: <data dir>/logs/ (services, source), <data dir>/redis, <data dir>/kafka.

            Ports (0 = any free port):
              --console-port N          management console (default 8080)
              --dispatcher-port N       dispatcher (default 8081)
              --worker-ports A,B,C      workers (default 8091,8092,8093; missing ones take free ports)
              --source-port N           demo upload source (default 8070)
              --redis-port N            embedded Redis (default 6379, or a free port when taken)
              --kafka-port N            embedded Kafka (default 9092, or a free port when taken)
              --random-ports            every part on a free port

            Parts and data:
              --workers N               number of workers (default 3)
              --data-dir DIR            where data and logs go (default <repo>/.local)
              --clean                   wipe the data directory first
              --only PARTS              start only some parts: redis,kafka,console,dispatcher,workers,source
              --kafka-partitions N      partitions of topics the embedded broker creates (default 6)
              --source-throttle BPS     demo source bytes/s per response (default 0 = unthrottled)

            External infrastructure (instead of the embedded servers):
              --redis-url URL           e.g. redis://10.0.0.5:6379   (env BACKUP_REDIS_URL)
              --kafka-bootstrap LIST    e.g. 10.0.0.6:9092           (env BACKUP_KAFKA_BOOTSTRAP)

            Credentials (local defaults; services get only their hashes):
              --upload-token T          bearer token of the demo upload service (default local-upload-token)
              --operator-user U         operator user (default operator)
              --operator-password P     operator password (default operator-local)
              --viewer-user U           viewer user (default viewer)
              --viewer-password P       viewer password (default viewer-local)
              A random node token is made for every run.

            Passing settings through:
              --console-arg ARG, --dispatcher-arg ARG, --worker-arg ARG, --source-arg ARG
                                        extra argument for that service (repeatable), e.g.
                                        --dispatcher-arg --backup.dispatcher.lease=2s
              --service-heap SIZE       -Xmx of each service (default 256m)

              --no-build                (ops/run-local) use the jars as they are; by default it builds
                                        first when a jar is missing or older than its sources
              -h, --help                this text
            """;

    private StackArgs() {}

    /** Whether the arguments ask for the help text. */
    static boolean wantsHelp(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    static StackOptions parse(String[] args, Map<String, String> env, Path repoRoot) {
        StackOptions.Builder b = StackOptions.builder(repoRoot);
        b.redisUrl(blankToNull(env.get("BACKUP_REDIS_URL")));
        b.kafkaBootstrap(blankToNull(env.get("BACKUP_KAFKA_BOOTSTRAP")));
        String operatorUser = StackOptions.OPERATOR.user();
        String operatorPassword = StackOptions.OPERATOR.password();
        String viewerUser = StackOptions.VIEWER.user();
        String viewerPassword = StackOptions.VIEWER.password();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--random-ports")) {
                b.randomPorts();
                continue;
            }
            if (name.equals("--clean")) {
                b.clean(true);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--console-port" -> b.consolePort(port(name, value));
                case "--dispatcher-port" -> b.dispatcherPort(port(name, value));
                case "--worker-ports" -> b.workerPorts(ports(name, value));
                case "--source-port" -> b.sourcePort(port(name, value));
                case "--redis-port" -> b.redisPort(port(name, value));
                case "--kafka-port" -> b.kafkaPort(port(name, value));
                case "--workers" -> b.workers(number(name, value, 0, 32));
                case "--data-dir" -> b.dataDir(Path.of(value));
                case "--only" -> b.parts(parts(value));
                case "--kafka-partitions" -> b.kafkaPartitions(number(name, value, 1, 1000));
                case "--source-throttle" -> b.sourceThrottle(number(name, value, 0, Integer.MAX_VALUE));
                case "--redis-url" -> b.redisUrl(redisUrl(value));
                case "--kafka-bootstrap" -> b.kafkaBootstrap(kafkaBootstrap(value));
                case "--upload-token" -> b.uploadToken(nonBlank(name, value));
                case "--operator-user" -> operatorUser = nonBlank(name, value);
                case "--operator-password" -> operatorPassword = nonBlank(name, value);
                case "--viewer-user" -> viewerUser = nonBlank(name, value);
                case "--viewer-password" -> viewerPassword = nonBlank(name, value);
                case "--console-arg" -> b.extraArgs(PartKind.CONSOLE, value);
                case "--dispatcher-arg" -> b.extraArgs(PartKind.DISPATCHER, value);
                case "--worker-arg" -> b.extraArgs(PartKind.WORKER, value);
                case "--source-arg" -> b.extraArgs(PartKind.SOURCE, value);
                case "--service-heap" -> b.serviceHeap(value.matches("\\d+[kmgKMG]?") ? value : fail(name, value));
                default -> throw new UsageException("unknown option " + name + " (see --help)");
            }
        }
        try {
            b.operator(new Credentials(operatorUser, operatorPassword));
            b.viewer(new Credentials(viewerUser, viewerPassword));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Set<PartKind> parts(String value) {
        Set<PartKind> parts = EnumSet.noneOf(PartKind.class);
        for (String name : value.split(",")) {
            String n = name.trim().toUpperCase();
            try {
                parts.add(PartKind.valueOf(n.equals("WORKERS") ? "WORKER" : n));
            } catch (IllegalArgumentException e) {
                throw new UsageException("unknown part " + name + " in --only");
            }
        }
        return parts;
    }

    private static List<Integer> ports(String name, String value) {
        List<Integer> ports = new ArrayList<>();
        for (String v : value.split(",")) {
            ports.add(port(name, v.trim()));
        }
        return ports;
    }

    private static int port(String name, String value) {
        return number(name, value, 0, 65535);
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " needs a number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static String redisUrl(String value) {
        try {
            Probes.redisAddress(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--redis-url needs a redis:// or rediss:// URL, not '" + value + "'");
        }
    }

    private static String kafkaBootstrap(String value) {
        try {
            Probes.kafkaAddress(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kafka-bootstrap needs host:port[,host:port...], not '" + value + "'");
        }
    }

    private static String nonBlank(String name, String value) {
        return value.isBlank() ? fail(name, value) : value;
    }

    private static String fail(String name, String value) {
        throw new UsageException("invalid value '" + value + "' for " + name);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** A command line that cannot be understood; the message says why. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
