package io.backupsuite.catalog.net;

import java.util.concurrent.CompletableFuture;

/**
 * A request type the embedding application carries over the replication sockets beside the protocol's own
 * (for the workers: blobs and forwarded writes), so that everything a member asks another member at a high
 * rate shares one authenticated connection instead of an HTTP request each. Registered with
 * {@link ReplicationServer#serve}; sent with {@link SocketTransport#request}.
 */
@FunctionalInterface
public interface ServiceHandler {

    /** Smallest request type an application may use. */
    byte FIRST_TYPE = 16;
    /** Largest request type an application may use. */
    byte LAST_TYPE = 63;

    /**
     * Answers one request. Runs on the server's slow-work threads, never on a connection's reader, so it may
     * block. An {@link IllegalArgumentException} (a malformed body) or any other failure, thrown or in the
     * future, is answered with an error frame; the connection stays open.
     */
    CompletableFuture<byte[]> handle(byte[] body);

    static void checkType(byte type) {
        if (type < FIRST_TYPE || type > LAST_TYPE) {
            throw new IllegalArgumentException("application request types are " + FIRST_TYPE + ".." + LAST_TYPE + ", not " + type);
        }
    }
}
