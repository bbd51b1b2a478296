package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackArgsTests {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsAreThoseOfTheContract() {
        StackOptions o = parse();

        assertThat(o.consolePort()).isEqualTo(8080);
        assertThat(o.dispatcherPort()).isEqualTo(8081);
        assertThat(o.workerPorts()).containsExactly(8091, 8092, 8093);
        assertThat(o.sourcePort()).isEqualTo(8070);
        assertThat(o.redisPort()).isEqualTo(6379);
        assertThat(o.kafkaPort()).isEqualTo(9092);
        assertThat(o.workers()).isEqualTo(3);
        assertThat(o.dataDir()).isEqualTo(ROOT.resolve(".local"));
        assertThat(o.uploadToken()).isEqualTo("local-upload-token");
        assertThat(o.operator()).isEqualTo(new Credentials("operator", "operator-local"));
        assertThat(o.viewer()).isEqualTo(new Credentials("viewer", "viewer-local"));
        assertThat(o.redisUrl()).isNull();
        assertThat(o.kafkaBootstrap()).isNull();
        assertThat(o.parts()).containsExactlyInAnyOrder(PartKind.values());
        assertThat(o.clean()).isFalse();
    }

    @Test
    void everyOptionInBothSpellings() {
        StackOptions o = parse("--console-port", "9000", "--dispatcher-port=9001", "--worker-ports", "9010,9011",
                "--source-port=9020", "--redis-port", "0", "--kafka-port", "9999", "--workers", "2", "--data-dir", "/tmp/x",
                "--clean", "--upload-token=t0k", "--operator-user", "op", "--operator-password", "pw", "--viewer-user=v",
                "--viewer-password=vp", "--source-throttle", "1000", "--dispatcher-arg", "--backup.dispatcher.lease=2s",
                "--worker-arg=--a=b", "--only", "redis,console,workers", "--kafka-partitions", "3", "--service-heap", "512m");

        assertThat(o.consolePort()).isEqualTo(9000);
        assertThat(o.dispatcherPort()).isEqualTo(9001);
        assertThat(o.workerPorts()).containsExactly(9010, 9011);
        assertThat(o.sourcePort()).isEqualTo(9020);
        assertThat(o.redisPort()).isZero();
        assertThat(o.kafkaPort()).isEqualTo(9999);
        assertThat(o.workers()).isEqualTo(2);
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.clean()).isTrue();
        assertThat(o.uploadToken()).isEqualTo("t0k");
        assertThat(o.operator()).isEqualTo(new Credentials("op", "pw"));
        assertThat(o.viewer()).isEqualTo(new Credentials("v", "vp"));
        assertThat(o.sourceThrottle()).isEqualTo(1000);
        assertThat(o.extraArgs(PartKind.DISPATCHER)).containsExactly("--backup.dispatcher.lease=2s");
        assertThat(o.extraArgs(PartKind.WORKER)).containsExactly("--a=b");
        assertThat(o.parts()).containsExactlyInAnyOrder(PartKind.REDIS, PartKind.CONSOLE, PartKind.WORKER);
        assertThat(o.kafkaPartitions()).isEqualTo(3);
        assertThat(o.serviceHeap()).isEqualTo("512m");
    }

    @Test
    void randomPortsMeansZeroEverywhere() {
        StackOptions o = parse("--random-ports");

        assertThat(List.of(o.consolePort(), o.dispatcherPort(), o.sourcePort(), o.redisPort(), o.kafkaPort())).containsOnly(0);
        assertThat(o.workerPort(1)).isZero();
    }

    @Test
    void externalInfrastructureFromEnvironmentOrFlagsWithFlagsWinning() {
        Map<String, String> env = Map.of("BACKUP_REDIS_URL", "redis://10.0.0.5:6380", "BACKUP_KAFKA_BOOTSTRAP", "10.0.0.6:9092");

        StackOptions fromEnv = StackArgs.parse(new String[0], env, ROOT);
        StackOptions fromFlags = StackArgs.parse(new String[] {"--redis-url", "redis://r:1", "--kafka-bootstrap", "k:2,k2:3"}, env, ROOT);

        assertThat(fromEnv.redisUrl()).isEqualTo("redis://10.0.0.5:6380");
        assertThat(fromEnv.kafkaBootstrap()).isEqualTo("10.0.0.6:9092");
        assertThat(fromEnv.starts(PartKind.REDIS)).isFalse();
        assertThat(fromEnv.starts(PartKind.KAFKA)).isFalse();
        assertThat(fromFlags.redisUrl()).isEqualTo("redis://r:1");
        assertThat(fromFlags.kafkaBootstrap()).isEqualTo("k:2,k2:3");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        for (String[] args : List.of(
                new String[] {"--console-port", "70000"},
                new String[] {"--console-port", "x"},
                new String[] {"--workers"},
                new String[] {"--workers", "-1"},
                new String[] {"--frobnicate"},
                new String[] {"--redis-url", "http://x"},
                new String[] {"--kafka-bootstrap", "nohostport"},
                new String[] {"--only", "redis,mystery"},
                new String[] {"--operator-user", "a:b"},
                new String[] {"--upload-token", " "})) {
            assertThatThrownBy(() -> parse(args)).as(String.join(" ", args)).isInstanceOf(StackArgs.UsageException.class);
        }
    }

    @Test
    void helpIsRecognisedAndNamesEveryOption() {
        assertThat(StackArgs.wantsHelp(new String[] {"--workers", "2", "--help"})).isTrue();
        assertThat(StackArgs.wantsHelp(new String[] {"-h"})).isTrue();
        assertThat(StackArgs.HELP).contains("--console-port", "--dispatcher-port", "--worker-ports", "--source-port",
                "--redis-port", "--kafka-port", "--random-ports", "--workers", "--data-dir", "--clean", "--upload-token",
                "--operator-user", "--operator-password", "--redis-url", "--kafka-bootstrap", "BACKUP_REDIS_URL",
                "BACKUP_KAFKA_BOOTSTRAP");
    }

    private static StackOptions parse(String... args) {
        return StackArgs.parse(args, Map.of(), ROOT);
    }
}
