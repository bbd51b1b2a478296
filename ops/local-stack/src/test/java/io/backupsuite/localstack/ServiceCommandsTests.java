package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.security.Secrets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCommandsTests {

    private final StackOptions options = StackOptions.builder(Path.of("/repo"))
            .dataDir(Path.of("/data"))
            .extraArgs(PartKind.WORKER, "--backup.worker.extra=1")
            .build();
    private final ServiceCommands commands = new ServiceCommands(options, "node-secret", "redis://127.0.0.1:6379", "127.0.0.1:9092");

    @Test
    void servicesGetHashesOfInboundCredentialsAndTheRawNodeToken() {
        List<String> console = commands.console(8080, "http://127.0.0.1:8081");

        assertThat(console).contains(
                "--backup.security.tokens[0].sha256=" + Secrets.tokenHash("local-upload-token"),
                "--backup.security.tokens[0].roles=UPLOADER",
                "--backup.security.tokens[1].sha256=" + Secrets.tokenHash("node-secret"),
                "--backup.security.tokens[1].roles=NODE",
                "--backup.security.users[0].name=operator",
                "--backup.security.users[0].roles=OPERATOR,VIEWER",
                "--backup.security.users[1].name=viewer",
                "--backup.security.users[1].roles=VIEWER",
                "--backup.security.node-token=node-secret",
                "--spring.data.redis.url=redis://127.0.0.1:6379",
                "--backup.console.dispatcher-url=http://127.0.0.1:8081",
                "--server.port=8080");
        assertThat(String.join(" ", console)).doesNotContain("local-upload-token", "operator-local", "viewer-local");
        assertThat(console).anySatisfy(a -> assertThat(a).startsWith("--backup.security.users[0].password-hash=pbkdf2-sha256$"));
        assertThat(console).contains("-jar", "/repo/management-console/target/management-console-0.1.0-SNAPSHOT-exec.jar");
    }

    @Test
    void workersKnowTheirNodeGroupDataAndExtraArguments() {
        List<String> worker = commands.worker(2, 8092, "http://127.0.0.1:8080");

        assertThat(worker).contains(
                "-Xmx256m",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9092",
                "--backup.node.id=worker-2",
                "--backup.node.group=g1",
                "--backup.node.console-url=http://127.0.0.1:8080",
                "--backup.node.advertised-address=http://127.0.0.1:8092",
                "--backup.worker.allowed-source-hosts=127.0.0.1,localhost",
                "--backup.worker.data-dir=/data/worker-2");
        assertThat(worker.get(worker.size() - 1)).isEqualTo("--backup.worker.extra=1");
    }

    @Test
    void theWorkersFormOneStorageGroupWithTheFirstAsInitialPrimary() {
        List<Integer> group = List.of(8091, 8092, 8093);
        List<Integer> sockets = List.of(8191, 8192, 8193);
        List<String> first = commands.worker(1, 8091, "http://127.0.0.1:8080", group, sockets);
        List<String> third = commands.worker(3, 8093, "http://127.0.0.1:8080", group, sockets);

        String p = "--backup.worker.replication.";
        assertThat(first).contains(p + "members[0].id=worker-1", p + "members[0].address=http://127.0.0.1:8091",
                p + "members[0].replication=127.0.0.1:8191", p + "members[2].replication=127.0.0.1:8193",
                p + "members[2].id=worker-3", p + "members[2].address=http://127.0.0.1:8093", p + "quorum=1",
                p + "initial-role=PRIMARY", p + "auto-failover-after=3s");
        assertThat(third).contains(p + "initial-role=STANDBY");
        var overridden = new ServiceCommands(StackOptions.builder(Path.of("/repo")).dataDir(Path.of("/data"))
                .extraArgs(PartKind.WORKER, p + "auto-failover-after=1h").build(), "node-secret", "redis://x:1", "k:1");
        List<String> worker = overridden.worker(2, 8092, "http://127.0.0.1:8080", group, sockets);
        assertThat(worker).contains(p + "auto-failover-after=1h").doesNotContain(p + "auto-failover-after=3s");
    }

    @Test
    void theDispatcherKnowsRedisKafkaAndTheAllowList() {
        assertThat(commands.dispatcher(8081, "http://127.0.0.1:8080")).contains(
                "--spring.data.redis.url=redis://127.0.0.1:6379",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9092",
                "--backup.node.id=dispatcher-1",
                "--backup.dispatcher.allowed-source-hosts=127.0.0.1,localhost",
                "--backup.node.advertised-address=http://127.0.0.1:8081");
    }
}
