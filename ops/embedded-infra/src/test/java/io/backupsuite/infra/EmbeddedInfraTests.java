package io.backupsuite.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedInfraTests {

    @TempDir
    Path dir;

    @Test
    void redisKeepsAcknowledgedWritesAcrossSigkill() throws Exception {
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            assertThat(command(redis.port(), "SET k v")).isEqualTo("+OK");
            redis.kill();
            assertThat(redis.process().isAlive()).isFalse();
            redis.restart();
            assertThat(command(redis.port(), "GET k")).isEqualTo("$1");
        }
    }

    @Test
    void kafkaBrokerStartsInItsOwnProcess() {
        try (KafkaBroker kafka = KafkaBroker.start(0, dir.resolve("kafka"), 2)) {
            assertThat(kafka.process().isAlive()).isTrue();
            assertThat(kafka.process().pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(Ports.isListening(kafka.port())).isTrue();
        }
    }

    private static String command(int port, String command) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }
}
