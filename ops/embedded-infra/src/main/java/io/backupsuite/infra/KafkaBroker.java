package io.backupsuite.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), run from Kafka's
 * own Maven artifacts in a JVM of its own so that it can be killed like any server.
 */
public final class KafkaBroker implements AutoCloseable {

    private final int port;
    private final ManagedProcess process;

    private KafkaBroker(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts a broker process on {@code port} (0 for any free port) with its log in {@code dataDir}. */
    public static KafkaBroker start(int port, Path dataDir, int partitions) {
        int chosen = port == 0 ? Ports.free() : port;
        int controller = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a broker of small messages on a few shared cores: C1 only (C2's compilations cost more CPU
        // than they save in a run of minutes; CRC32C stays intrinsic) and one GC thread
        command.addAll(List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.add(KafkaBroker.class.getName());
        command.addAll(List.of(
                Integer.toString(chosen), Integer.toString(controller), dataDir.toAbsolutePath().toString(),
                Integer.toString(partitions)));
        ManagedProcess process = new ManagedProcess("kafka:" + chosen, command, dataDir.resolve("kafka.out"));
        process.start(() -> Ports.isListening(chosen), Duration.ofSeconds(120));
        return new KafkaBroker(chosen, process);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }

    /** Broker entry point: {@code KafkaBroker <port> <controllerPort> <dataDir> <partitions>}. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int controller = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        int partitions = Integer.parseInt(args[3]);
        Path logs = dir.resolve("kraft-logs");
        Files.createDirectories(logs);
        Path config = dir.resolve("server.properties");
        writeConfig(config, port, controller, logs, partitions);
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(config);
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }

    private static void writeConfig(Path file, int port, int controller, Path logs, int partitions) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logs.toAbsolutePath().toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("log.retention.hours", "24");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "single-node KRaft broker of the local backup stack");
        }
    }

    private static void format(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new UncheckedIOException(new IOException("kafka storage format failed: " + out));
        }
    }
}
