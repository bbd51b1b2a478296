package io.backupsuite.worker.roles;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * Asks the operating system whether the primary's process is gone: a connection to its API port that is
 * <em>refused</em> means nothing listens there any more (the process died, its host is up). Only that counts; a
 * timeout or any other error proves nothing, and a stalled primary (paused, in a long GC) still accepts
 * connections, so it is left to the silence timeout.
 */
final class PrimaryProbe {

    private final Duration timeout;

    PrimaryProbe(Duration timeout) {
        this.timeout = timeout;
    }

    boolean refused(URI address) {
        int port = address.getPort() > 0 ? address.getPort() : "https".equals(address.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHost(), port), (int) Math.max(1, timeout.toMillis()));
            return false;
        } catch (ConnectException e) {
            return true; // refused (a connect timeout is a SocketTimeoutException, which proves nothing)
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
