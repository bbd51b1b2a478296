package io.backupsuite.worker.roles;

import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.WireCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The quasi-primary's two questions to its silent primary before a failover.
 * <ul>
 *   <li>Is its process gone? A connection to its API port that is <em>refused</em> means nothing listens there any
 *       more (the process died, its host is up). Only that counts; a timeout or any other error proves nothing, and
 *       a stalled primary (paused, in a long GC) still accepts connections, so it is left to the silence timeout.
 *   <li>Does it still lead? Past the silence timeout, its own status, within a short timeout: a primary that
 *       answers that it leads this epoch and takes writes is alive, only slow towards this member or cut off from
 *       it, and replacing it would interrupt the writes it commits with the other standbys. No answer in time, or
 *       any other answer, leaves the failover to go ahead.
 * </ul>
 */
final class PrimaryProbe {

    private final Duration connectTimeout;
    private final Duration statusTimeout;
    private final String nodeToken;
    private final WireCodec codec = new WireCodec();
    private final HttpClient http;

    PrimaryProbe(Duration connectTimeout, Duration statusTimeout, String nodeToken) {
        this.connectTimeout = connectTimeout;
        this.statusTimeout = statusTimeout;
        this.nodeToken = nodeToken;
        this.http = HttpClient.newBuilder().connectTimeout(statusTimeout).build();
    }

    boolean refused(URI address) {
        int port = address.getPort() > 0 ? address.getPort() : "https".equals(address.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHost(), port), (int) Math.max(1, connectTimeout.toMillis()));
            return false;
        } catch (ConnectException e) {
            return true; // refused (a connect timeout is a SocketTimeoutException, which proves nothing)
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the primary answers in time that it leads at least {@code epoch} and takes writes. */
    boolean leads(URI address, long epoch) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(address.resolve("/internal/v1/replication/status"))
                    .timeout(statusTimeout)
                    .header("Authorization", "Bearer " + nodeToken)
                    .GET()
                    .build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return false;
            }
            ReplicationStatus status = codec.decode(response.body(), ReplicationStatus.class);
            return status.role() == GroupRole.PRIMARY && status.acceptingWrites() && status.epoch() >= epoch;
        } catch (IOException | RuntimeException e) {
            return false; // timed out, refused, or an answer that is not a status: proves nothing
        }
    }
}
