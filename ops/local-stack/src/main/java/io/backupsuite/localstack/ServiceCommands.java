package io.backupsuite.localstack;

import io.backupsuite.common.security.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines of the Spring Boot services. Services receive only hashes of the credentials they
 * accept; the one raw secret is the node token they present to each other.
 */
final class ServiceCommands {

    static final String VERSION = "0.1.0-SNAPSHOT";

    private final StackOptions options;
    private final String nodeToken;
    private final String redisUrl;
    private final String kafkaBootstrap;
    private final List<String> securityArgs;

    ServiceCommands(StackOptions options, String nodeToken, String redisUrl, String kafkaBootstrap) {
        this.options = options;
        this.nodeToken = nodeToken;
        this.redisUrl = redisUrl;
        this.kafkaBootstrap = kafkaBootstrap;
        this.securityArgs = security();
    }

    static Path execJar(Path repoRoot, String module) {
        return repoRoot.resolve(module).resolve("target").resolve(module + "-" + VERSION + "-exec.jar");
    }

    List<String> console(int port, String dispatcherUrl) {
        List<String> args = base(PartKind.CONSOLE, "management-console", port);
        args.add("--spring.data.redis.url=" + redisUrl);
        // the admin page reads queues and tasks from the dispatcher with the node token (its default credential)
        args.add("--backup.console.dispatcher-url=" + dispatcherUrl);
        return withExtra(PartKind.CONSOLE, args);
    }

    List<String> dispatcher(int port, String consoleUrl) {
        List<String> args = base(PartKind.DISPATCHER, "backup-dispatcher", port);
        args.add("--spring.data.redis.url=" + redisUrl);
        args.add("--spring.kafka.bootstrap-servers=" + kafkaBootstrap);
        args.addAll(node("dispatcher-1", port, consoleUrl));
        args.add(staticMembership("dispatcher-1"));
        args.add("--backup.dispatcher.allowed-source-hosts=127.0.0.1,localhost");
        return withExtra(PartKind.DISPATCHER, args);
    }

    List<String> worker(int n, int port, String consoleUrl) {
        return worker(n, port, consoleUrl, List.of(port), List.of());
    }

    /**
     * A worker of storage group g1, whose members are the workers on {@code groupPorts} (worker k on
     * the k-th port): worker 1 starts as primary, the others as standbys, quorum 1 standby. Until the
     * console drives failover, a standby that hears nothing from the primary for 3 s promotes itself.
     * Worker k serves the replication socket protocol on the k-th of {@code replicationPorts}.
     */
    List<String> worker(int n, int port, String consoleUrl, List<Integer> groupPorts, List<Integer> replicationPorts) {
        List<String> args = base(PartKind.WORKER, "backup-worker", port);
        args.add("--spring.kafka.bootstrap-servers=" + kafkaBootstrap);
        args.addAll(node("worker-" + n, port, consoleUrl));
        args.add(staticMembership("worker-" + n));
        args.add("--backup.node.group=g1");
        args.add("--backup.worker.allowed-source-hosts=127.0.0.1,localhost");
        args.add("--backup.worker.data-dir=" + options.dataDir().resolve("worker-" + n));
        if (groupPorts.size() > 1) {
            String p = "--backup.worker.replication.";
            List<String> group = new ArrayList<>();
            for (int k = 0; k < groupPorts.size(); k++) {
                group.add(p + "members[" + k + "].id=worker-" + (k + 1));
                group.add(p + "members[" + k + "].address=" + LocalStack.httpUrl(groupPorts.get(k)));
                if (k < replicationPorts.size()) {
                    group.add(p + "members[" + k + "].replication=127.0.0.1:" + replicationPorts.get(k));
                }
            }
            group.add(p + "quorum=1");
            group.add(p + "initial-role=" + (n == 1 ? "PRIMARY" : "STANDBY"));
            group.add(p + "auto-failover-after=3s");
            // an extra argument of the same name replaces the default (Spring would join both values)
            List<String> extra = options.extraArgs(PartKind.WORKER);
            group.stream().filter(a -> extra.stream().noneMatch(e -> e.startsWith(a.substring(0, a.indexOf('=') + 1)))).forEach(args::add);
        }
        return withExtra(PartKind.WORKER, args);
    }

    /**
     * Kafka static group membership under the node id: a crashed node that comes back takes its
     * partitions back at once, instead of waiting for its old session to time out.
     */
    private static String staticMembership(String nodeId) {
        return "--spring.kafka.consumer.properties[group.instance.id]=" + nodeId;
    }

    private List<String> base(PartKind kind, String module, int port) {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        args.add("-Xmx" + options.serviceHeap());
        args.add("-XX:+ExitOnOutOfMemoryError");
        // small heaps on a few cores shared by many processes: one GC thread, no concurrent marking
        args.add("-XX:+UseSerialGC");
        if (kind != PartKind.WORKER) {
            // C1 only: with ten JVMs on two cores, C2's compilations cost more CPU than they save in a
            // run of minutes. Not for workers: C1 has no SHA-256 intrinsic, which hashes large
            // transfers about five times slower
            args.add("-XX:TieredStopAtLevel=1");
        }
        args.addAll(options.jvmArgs(kind));
        args.add("-jar");
        args.add(execJar(options.repoRoot(), module).toString());
        args.add("--server.port=" + port);
        args.add("--server.address=127.0.0.1");
        args.addAll(securityArgs);
        return args;
    }

    private List<String> node(String id, int port, String consoleUrl) {
        return List.of(
                "--backup.node.id=" + id,
                "--backup.node.console-url=" + consoleUrl,
                "--backup.node.advertised-address=" + LocalStack.httpUrl(port));
    }

    private List<String> withExtra(PartKind kind, List<String> args) {
        args.addAll(options.extraArgs(kind));
        return args;
    }

    private List<String> security() {
        String p = "--backup.security.";
        return List.of(
                p + "tokens[0].name=upload",
                p + "tokens[0].sha256=" + Secrets.tokenHash(options.uploadToken()),
                p + "tokens[0].roles=UPLOADER",
                p + "tokens[1].name=node",
                p + "tokens[1].sha256=" + Secrets.tokenHash(nodeToken),
                p + "tokens[1].roles=NODE",
                p + "users[0].name=" + options.operator().user(),
                p + "users[0].password-hash=" + Secrets.passwordHash(options.operator().password()),
                p + "users[0].roles=OPERATOR,VIEWER",
                p + "users[1].name=" + options.viewer().user(),
                p + "users[1].password-hash=" + Secrets.passwordHash(options.viewer().password()),
                p + "users[1].roles=VIEWER",
                p + "node-token=" + nodeToken);
    }
}
