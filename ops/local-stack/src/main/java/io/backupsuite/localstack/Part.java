package io.backupsuite.localstack;

import io.backupsuite.infra.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One running part of the stack, an OS process of its own: where it answers, its pid, and the
 * means to crash it ({@link #kill()}), stop it gracefully ({@link #stop()}) and bring it back on the
 * same port with the same data ({@link #restart()}).
 */
public final class Part {

    static final Duration GRACE = Duration.ofSeconds(15);

    private final PartKind kind;
    private final String name;
    private final int port;
    private final String url;
    private final ManagedProcess process;
    private final Runnable starter;

    Part(PartKind kind, String name, int port, String url, ManagedProcess process, Runnable starter) {
        this.kind = kind;
        this.name = name;
        this.port = port;
        this.url = url;
        this.process = process;
        this.starter = starter;
    }

    public PartKind kind() {
        return kind;
    }

    /** Name such as {@code console} or {@code worker-2}; also the node id of services. */
    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** Base URL ({@code http://127.0.0.1:8080}), {@code redis://...} for Redis, {@code host:port} for Kafka. */
    public String url() {
        return url;
    }

    /** Process id of the current incarnation, -1 before the first start. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** SIGKILL, as a crash would. Returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM, then SIGKILL after a grace period. */
    public void stop() {
        process.stop(GRACE);
    }

    /** Stops the part if it runs, starts it again on the same port and waits until it is healthy. */
    public void restart() {
        stop();
        start();
    }

    /** SIGSTOP: the process freezes, as in a long GC pause. */
    public void pause() {
        process.pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process.resume();
    }

    void start() {
        starter.run();
    }

    @Override
    public String toString() {
        return String.format("%-10s %s (pid %d, log %s)", name, url, pid(), logFile());
    }
}
