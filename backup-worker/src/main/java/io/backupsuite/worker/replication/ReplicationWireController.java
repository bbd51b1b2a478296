package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.WireFormat;
import io.backupsuite.catalog.state.CatalogOp;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Node-to-node replication traffic in binary bodies ({@link WireFormat}): appends, promises,
 * log fetches of a new primary, snapshot chunks, and writes forwarded to the primary. Every path needs the node
 * token (access rules); a malformed body is a 400 problem and never touches the log.
 */
@RestController
@RequestMapping(path = "/internal/v1/replication", consumes = HttpTransport.BINARY, produces = HttpTransport.BINARY)
class ReplicationWireController {

    private final Replica replica;
    private final long timeoutMillis;
    private final long promoteTimeoutMillis;

    ReplicationWireController(Replica replica, ReplicationProperties properties) {
        this.replica = replica;
        this.timeoutMillis = properties.writeTimeout().toMillis() * 2;
        this.promoteTimeoutMillis = properties.writeTimeout().toMillis() * 3; // promises, then perhaps another's log
    }

    @PostMapping("/append")
    byte[] append(@RequestBody byte[] body) {
        var request = decode(() -> WireFormat.appendRequest(body));
        return WireFormat.encode(ReplicationProblems.await(replica.onAppendWaiting(request), timeoutMillis));
    }

    @PostMapping("/promise")
    byte[] promise(@RequestBody byte[] body) {
        return WireFormat.encode(replica.onPromise(decode(() -> WireFormat.promiseRequest(body))));
    }

    @PostMapping("/fetch")
    byte[] fetch(@RequestBody byte[] body) {
        return WireFormat.encode(replica.onFetch(decode(() -> WireFormat.fetchRequest(body))));
    }

    /** A chunk of the primary's catalog for a standby behind its compacted log. */
    @PostMapping("/snapshot")
    byte[] snapshot(@RequestBody byte[] body) {
        return WireFormat.encode(replica.onInstallSnapshot(decode(() -> WireFormat.snapshotChunk(body))));
    }

    /**
     * The primary's request in a planned switchover: promote in exactly the epoch of the body (8 bytes, big-endian).
     * Binary like the rest of the protocol, so the step that pauses writes takes no JSON binding or validation;
     * answers with an empty body once this member accepts writes.
     */
    @PostMapping("/take-over")
    byte[] takeOver(@RequestBody byte[] body) {
        if (body.length != Long.BYTES) {
            throw ReplicationProblems.malformed(new IllegalArgumentException("a take-over is one 8-byte epoch, not " + body.length + " bytes"));
        }
        long epoch = java.nio.ByteBuffer.wrap(body).getLong();
        if (epoch < 1) {
            throw ReplicationProblems.malformed(new IllegalArgumentException("epoch " + epoch + " is not positive"));
        }
        ReplicationProblems.await(replica.promote(epoch), promoteTimeoutMillis);
        return new byte[0];
    }

    /** A write forwarded by another member; answers once committed (or with a problem). */
    @PostMapping("/submit")
    byte[] submit(@RequestBody byte[] body) {
        CatalogOp op = decode(() -> CatalogOp.decode(body));
        return CommittedCodec.encode(ReplicationProblems.await(replica.submit(op), timeoutMillis));
    }

    private static <T> T decode(java.util.function.Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (IllegalArgumentException e) {
            throw ReplicationProblems.malformed(e);
        }
    }
}
