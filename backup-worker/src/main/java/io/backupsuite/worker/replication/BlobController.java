package io.backupsuite.worker.replication;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.worker.store.BlobContent;
import io.backupsuite.worker.store.BlobStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Node to node: the bytes of a blob this worker holds, streamed, for a member that must hold it before it answers
 * ready. Small blobs go in batches over the replication socket instead ({@link BlobBatch}); this serves the large ones.
 */
@RestController
class BlobController {

    private static final Logger log = LoggerFactory.getLogger(BlobController.class);

    private final BlobStore store;

    BlobController(BlobStore store) {
        this.store = store;
    }

    @GetMapping("/internal/v1/blobs/{sha256}")
    ResponseEntity<Resource> blob(@PathVariable String sha256) {
        if (!BlobStore.isName(sha256)) {
            throw ApiException.badRequest("invalid-sha256", "The blob name must be 64 lowercase hex characters.");
        }
        BlobContent content;
        try {
            content = store.content(sha256).orElseThrow(() -> ApiException.notFound("blob-not-held", "This node does not hold that blob."));
        } catch (IOException e) {
            log.error("Cannot read blob {}", sha256, e);
            throw ApiException.unavailable("blob-unreadable", "This node's copy of the blob cannot be read.");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(content.resource());
    }
}
