package io.backupsuite.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} process, using the binary shipped in the embedded-redis Maven
 * artifact. Persistence defaults to AOF with {@code appendfsync always}: a write Redis has
 * answered is on disk, so a SIGKILL loses nothing that was acknowledged.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dataDir;
    private final ManagedProcess process;

    private RedisServer(int port, Path dataDir, ManagedProcess process) {
        this.port = port;
        this.dataDir = dataDir;
        this.process = process;
    }

    /** Starts a server on {@code port} (0 for any free port) keeping its files in {@code dataDir}. */
    public static RedisServer start(int port, Path dataDir, String appendFsync) {
        int chosen = port == 0 ? Ports.free() : port;
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path binary = binary(dataDir.resolve("bin"));
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port", Integer.toString(chosen),
                "--bind", "127.0.0.1",
                "--dir", dataDir.toAbsolutePath().toString(),
                "--appendonly", "yes",
                "--appendfsync", appendFsync,
                "--save", "",
                "--protected-mode", "no",
                "--daemonize", "no"));
        ManagedProcess process = new ManagedProcess("redis:" + chosen, command, dataDir.resolve("redis.log"));
        RedisServer server = new RedisServer(chosen, dataDir, process);
        server.startProcess();
        return server;
    }

    public static RedisServer start(Path dataDir) {
        return start(0, dataDir, "always");
    }

    private void startProcess() {
        process.start(this::answersPing, Duration.ofSeconds(60));
    }

    /** SIGKILL the server, as a crash would. */
    public void kill() {
        process.kill();
    }

    /** Starts the server again on the same port and data directory (after {@link #kill()}). */
    public void restart() {
        startProcess();
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64];
            int n = socket.getInputStream().read(buf);
            // while the AOF is loading Redis answers -LOADING; only +PONG means ready
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Extracts the redis-server binary for this platform from the embedded-redis artifact. */
    static synchronized Path binary(Path dir) {
        String arch = System.getProperty("os.arch");
        String os = System.getProperty("os.name").toLowerCase();
        if (!os.contains("linux")) {
            throw new IllegalStateException("the bundled Redis binary is for Linux; configure an external Redis on " + os);
        }
        String resource = arch.contains("aarch64") || arch.contains("arm64")
                ? "redis-server-6.2.7-linux-arm64"
                : "redis-server-6.2.6-v5-linux-amd64";
        Path target = dir.resolve(resource);
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("embedded-redis artifact with " + resource + " is not on the classpath");
            }
            if (!Files.exists(target)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "redis-server", ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().setExecutable(true);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Redis server in the foreground: {@code RedisServer <port> <dataDir>}; used by the local stack. */
    public static void main(String[] args) throws InterruptedException {
        RedisServer server = start(Integer.parseInt(args[0]), Path.of(args[1]), args.length > 2 ? args[2] : "always");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("redis ready on port " + server.port());
        Thread.currentThread().join();
    }
}
