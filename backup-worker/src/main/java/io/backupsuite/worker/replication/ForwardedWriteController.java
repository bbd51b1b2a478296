package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.state.CatalogOp;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A single catalog write forwarded by another member, in a binary body ({@link CatalogOp}); answers once it is
 * committed. The protocol's own messages (appends, promises, fetches, snapshots, take-overs) travel over the
 * replication socket ({@link ReplicationSockets}). Needs the node token (access rules); a malformed body is a
 * 400 problem and never reaches the log.
 */
@RestController
@RequestMapping(path = "/internal/v1/replication", consumes = NodeHttp.BINARY, produces = NodeHttp.BINARY)
class ForwardedWriteController {

    private final Replica replica;
    private final long timeoutMillis;

    ForwardedWriteController(Replica replica, ReplicationProperties properties) {
        this.replica = replica;
        this.timeoutMillis = properties.writeTimeout().toMillis() * 2;
    }

    @PostMapping("/submit")
    byte[] submit(@RequestBody byte[] body) {
        CatalogOp op;
        try {
            op = CatalogOp.decode(body);
        } catch (IllegalArgumentException e) {
            throw ReplicationProblems.malformed(e);
        }
        return CommittedCodec.encode(ReplicationProblems.await(replica.submit(op), timeoutMillis));
    }
}
