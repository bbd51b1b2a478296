package io.backupsuite.console;

import io.backupsuite.infra.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The one real Redis server of the console's tests: started on first use, stopped when the JVM exits. */
public final class TestRedis {

    private static RedisServer server;

    private TestRedis() {}

    public static synchronized RedisServer server() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of("target"), "redis-");
                server = RedisServer.start(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return server;
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> server().url());
    }
}
